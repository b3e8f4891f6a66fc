// Loaded at the top of <body>: lets govuk-frontend styles know JavaScript runs.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
