// Starts Swagger UI on the API docs page. Kept in an external file because
// our CSP (default-src 'self') forbids inline scripts. Load it after
// /assets/vendor/swagger-ui/swagger-ui-bundle.js.
(function () {
  "use strict";

  function init() {
    window.ui = SwaggerUIBundle({
      url: "/api/v1/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      // Do not send the spec URL to validator.swagger.io (third party,
      // and blocked by our CSP anyway).
      validatorUrl: null,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
