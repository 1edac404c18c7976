"""The API's routes, one module per group; each route is a few lines over graph/."""
