// Starts Swagger UI on /api/v1/docs (no inline script: the page runs under a nonce CSP).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    domNode: node,
    deepLinking: true,
    // Try-it-out sends the Bearer token typed into "Authorize"; never the session cookie.
    requestInterceptor: function (request) {
      request.credentials = "omit";
      return request;
    },
  });
})();
