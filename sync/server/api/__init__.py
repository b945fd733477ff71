"""The HTTP face of the central server: routes, middleware, errors and the OpenAPI document.

Routes are thin: they check the caller and hand over to the server's services (`accounts`,
`push`, `pull`, `participants`, ...). Middleware gives every request an id (`X-Request-ID`, in
every log line) and decompresses gzip request bodies with a cap checked while decompressing
(413). Every error answer is `{"error": {"code", "message"}}`; FastAPI's 422 is replaced by
400, in the answers and in the OpenAPI document, which lists the responses each route really
gives. `sync.server.app.create_app` assembles the pieces.
"""
