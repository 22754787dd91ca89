"""The load stage of the flow, on a store: read → map → validate → load → link, for one
document (:mod:`.load`) or a corpus in worker processes (:mod:`.corpus`); :mod:`.linking`
keeps the cross-year series graph in step with what is loaded."""
