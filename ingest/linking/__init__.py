"""Cross-year series: which projects and indicators of one year continue which of another
(:mod:`.series`, by names compared in :mod:`.names`, overridden by :mod:`.overrides`), and
the series graph that records it (:mod:`.graph`). Pure: the store is the pipeline's."""
