/* The memo editor's live preview: the textarea's Markdown is rendered by the server's
   sanitizing filter (POST to the preview endpoint, CSRF token in a header) a moment after
   typing stops. Without JavaScript the editor still saves; the preview just stays empty. */
(function () {
  "use strict";
  var source = document.getElementById("body");
  var target = document.getElementById("preview");
  if (!source || !target || !window.fetch) { return; }
  var url = target.getAttribute("data-preview-url");
  var token = target.getAttribute("data-csrf");
  var timer = null;
  var asked = 0;

  function render() {
    var mine = ++asked;
    var form = new URLSearchParams();
    form.append("body", source.value);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"},
      body: form.toString()
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && mine === asked) { target.innerHTML = html; } /* sanitized by nh3 */
    }).catch(function () { /* keep the last preview */ });
  }

  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(render, 400);
  });
  render();
}());
