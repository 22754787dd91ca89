"""The web surface: the only package that imports FastAPI, Starlette and Jinja."""
