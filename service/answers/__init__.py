"""Plain answers from the store — canned queries, resource descriptions, year-on-year
diffs, VoID, the vocabulary page, the service description — with no web framework, so
pages, the API and the CLI share them and tests run them without FastAPI."""
