"""The shapes compiled to checks the validator runs itself: :mod:`.compiler` turns the SHACL
shapes into :mod:`.checks` (SPARQL ones by :mod:`.sparql_rules`), :mod:`.engine` runs them
on documents in an Oxigraph store (:mod:`.terms`), and :mod:`.report_graph` writes the
results as a SHACL report graph. Entry points are in :mod:`jixiao.shapes.validate`."""
