"""Where the graphs live: the :class:`~.base.Store` protocol, the embedded Oxigraph store,
a remote SPARQL 1.1 store, and :func:`~.factory.open_store` to pick one from the settings.

Nothing is imported here, so a query worker that needs only :mod:`.base` stays light.
"""
