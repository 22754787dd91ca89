"""Opening a store from the STORE setting, and loading the vocabulary into one.

:func:`open_store` picks the backend: a directory (or ``:memory:``) is the embedded
Oxigraph store; an ``http(s)://`` URL a remote SPARQL 1.1 store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from jixiao.ontology import ONTOLOGY_IRI, vocabulary_graph
from jixiao.service.store.base import Store
from jixiao.service.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from jixiao.service.settings import Settings

__all__ = ["load_vocabulary", "open_store"]


def load_vocabulary(store: Store) -> None:
    """Load the ontology and the SKOS indicator scheme into their own graph (replacing it)."""
    vocabulary = vocabulary_graph()
    store.replace_graphs([(URIRef(ONTOLOGY_IRI), list(vocabulary))])


def open_store(
    location: str | Path | None, *, read_only: bool = False, settings: Settings | None = None
) -> Store:
    """Open the store at ``location``: a directory, ``:memory:``, or a SPARQL endpoint URL.

    A remote store is reached as ``settings`` say (``store_flavour``, paths, credentials);
    without them, as ``oxigraph serve``.
    """
    if location is None or str(location) == ":memory:":
        return EmbeddedStore(None)
    text = str(location)
    if text.startswith(("http://", "https://")):
        # Imported here, for a remote store only: httpx brings rich, click and pygments along
        # (~70 ms), which `jixiao query` on a local store does not need.
        from jixiao.service.store.remote import RemoteStore

        return RemoteStore.from_settings(text, settings) if settings else RemoteStore(text)
    return EmbeddedStore(Path(text), read_only=read_only)
