"""One SPARQL query within its limits (rows, time, accepted formats), off the event loop:
evaluated in a worker process or thread, collected, and serialised."""
