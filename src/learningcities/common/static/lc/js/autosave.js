/*
 * Autosave for forms marked data-autosave: each changed field is posted in the
 * background to the form's own URL with the header "X-Autosave: 1" and the
 * form's CSRF token. The server answers 204 (saved) or JSON
 * {"errors": {field: [messages]}}. The status shows "Saved at 10:42" in the
 * form's aria-live region. Text areas with data-word-limit get a live word count.
 * Without JavaScript the form is a plain POST form.
 */
(function () {
  "use strict";

  var DELAY = 1200;
  var lang = document.documentElement.lang || "en";
  var fr = lang.indexOf("fr") === 0;
  var text = {
    saving: fr ? "Enregistrement…" : "Saving…",
    saved: fr ? "Enregistré à " : "Saved at ",
    failed: fr ? "Non enregistré : " : "Not saved: ",
    offline: fr ? "Non enregistré (connexion perdue) ; utilisez le bouton." : "Not saved (no connection); use the button.",
    words: fr ? " mots sur " : " words of ",
    over: fr ? " (au-delà de la limite)" : " (over the limit)",
  };

  function wordCount(value) {
    var trimmed = value.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  // Translated wording comes from the page (data-text-* on the status region).
  var region = document.querySelector("[data-autosave-status]");
  if (region) {
    Object.keys(text).forEach(function (key) {
      var given = region.getAttribute("data-text-" + key);
      if (given) text[key] = given;
    });
  }

  function setUpWordCount(area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    if (!limit) return;
    var counter = document.createElement("p");
    counter.className = "word-count";
    counter.id = area.id + "-words";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var count = wordCount(area.value);
      counter.textContent = count + text.words + limit + (count > limit ? text.over : "");
      counter.classList.toggle("word-count-over", count > limit);
    }
    area.addEventListener("input", update);
    update();
  }

  function fieldError(form, name, messages) {
    var field = form.elements[name];
    var node = field && (field.length && !field.tagName ? field[0] : field);
    if (!node) return;
    var id = (node.id || name) + "-autosave-error";
    var existing = document.getElementById(id);
    if (!messages) {
      if (existing) existing.remove();
      return;
    }
    if (!existing) {
      existing = document.createElement("p");
      existing.id = id;
      existing.className = "errorlist";
      var holder = node.closest(".field") || node.parentNode;
      holder.appendChild(existing);
    }
    existing.textContent = messages.join(" ");
  }

  function setUp(form) {
    var status = form.querySelector("[data-autosave-status]");
    var tokenField = form.querySelector("input[name=csrfmiddlewaretoken]");
    var changed = {};
    var timer = null;

    function say(message) {
      if (status) status.textContent = message;
    }

    function send() {
      timer = null;
      var names = Object.keys(changed);
      if (!names.length) return;
      changed = {};
      var data = new FormData();
      data.append("csrfmiddlewaretoken", tokenField.value);
      names.forEach(function (name) {
        var field = form.elements[name];
        if (field instanceof RadioNodeList) {
          data.append(name, field.value);
        } else if (field) {
          data.append(name, field.value);
        }
      });
      say(text.saving);
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": tokenField.value },
      })
        .then(function (response) {
          if (response.status === 204) {
            names.forEach(function (name) { fieldError(form, name, null); });
            var now = new Date();
            say(text.saved + now.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }));
            return;
          }
          return response.json().then(function (body) {
            var errors = (body && body.errors) || {};
            var all = [];
            Object.keys(errors).forEach(function (name) {
              fieldError(form, name, errors[name]);
              all = all.concat(errors[name]);
            });
            say(text.failed + all.join(" "));
          });
        })
        .catch(function () {
          say(text.offline);
        });
    }

    function onChange(event) {
      var target = event.target;
      if (!target.name || target.type === "file" || target.name === "csrfmiddlewaretoken") return;
      changed[target.name] = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(send, event.type === "change" ? 0 : DELAY);
    }

    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(setUpWordCount);
  document.querySelectorAll("form[data-autosave]").forEach(setUp);
})();
