// Starts the Swagger UI of /schema from this server's files (the page may run no inline
// script). Requests made from it echo the CSRF cookie, as the pages' forms do.
(function () {
  "use strict";
  var box = document.getElementById("swagger-container");
  var csrf = function () {
    var found = document.cookie.split("; ").find(function (pair) {
      return pair.indexOf("jobbank_csrf=") === 0;
    });
    return found ? decodeURIComponent(found.split("=")[1]) : undefined;
  };
  window.ui = SwaggerUIBundle({
    url: box.dataset.spec,
    dom_id: "#swagger-container",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    requestInterceptor: function (request) {
      var token = csrf();
      if (token !== undefined) {
        request.headers["x-csrf-token"] = token;
      }
      return request;
    },
  });
})();
