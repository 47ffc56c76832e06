/*
 * Autosave for forms marked data-autosave: each changed field is posted in the
 * background to the form's own URL with the header "X-Autosave: 1" and the
 * form's CSRF token. The server answers 204 (saved) or JSON
 * {"errors": {field: [messages]}}. The status shows "Saved at 10:42" in the
 * form's aria-live region, in the form's action bar, which stays in view at the
 * bottom of the screen while the person types. Unconfirmed changes are kept in localStorage and
 * sent again (after a lost connection, an ended session, a closed tab). Text areas with data-word-limit get a live word count.
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
    offline: fr
      ? "Non enregistré (connexion perdue) ; gardé dans ce navigateur, nouvel essai bientôt."
      : "Not saved (no connection); kept in this browser and tried again soon.",
    expired: fr
      ? "Non enregistré : votre session a pris fin. Reconnectez-vous dans un autre onglet ; le texte est gardé dans ce navigateur."
      : "Not saved: your session has ended. Log in again in another tab; your text is kept in this browser.",
    restored: fr
      ? "Modifications non enregistrées retrouvées dans ce navigateur ; enregistrement…"
      : "Unsaved changes found in this browser were put back; saving…",
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

  // Changes not yet confirmed by the server are also kept in this browser
  // (localStorage, per form), so a closed tab, a lost connection or an ended
  // session loses nothing: the next visit puts them back and saves them.
  function storageKey(form) {
    return "lc-autosave:" + form.action;
  }

  function readKept(form) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(form)) || "{}");
    } catch (error) {
      return {};
    }
  }

  function writeKept(form, kept) {
    try {
      if (Object.keys(kept).length) {
        window.localStorage.setItem(storageKey(form), JSON.stringify(kept));
      } else {
        window.localStorage.removeItem(storageKey(form));
      }
    } catch (error) {
      // Storage full or refused (private mode): the server save still runs.
    }
  }

  function valueOf(form, name) {
    var field = form.elements[name];
    if (!field) return null;
    if (field instanceof RadioNodeList) return field.value;
    if (field.type === "checkbox") return field.checked ? field.value : "";
    return field.value;
  }

  function setValue(form, name, value) {
    var field = form.elements[name];
    if (!field) return false;
    if (field instanceof RadioNodeList) {
      field.value = value;
    } else if (field.type === "checkbox") {
      field.checked = value !== "";
    } else {
      field.value = value;
    }
    field = field instanceof RadioNodeList ? field[0] : field;
    if (field) field.dispatchEvent(new Event("input", { bubbles: false }));
    return true;
  }

  function setUp(form) {
    var status = form.querySelector("[data-autosave-status]");
    var tokenField = form.querySelector("input[name=csrfmiddlewaretoken]");
    var pending = {};  // name -> value not yet saved
    var timer = null;
    var retry = null;
    var inFlight = false;

    function say(message) {
      if (status) status.textContent = message;
    }

    function schedule(delay) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(send, delay);
    }

    function keep(name, value) {
      pending[name] = value;
      var kept = readKept(form);
      kept[name] = value;
      writeKept(form, kept);
    }

    function confirmSaved(sent) {
      var kept = readKept(form);
      Object.keys(sent).forEach(function (name) {
        // Only what was sent is confirmed; a newer value typed meanwhile stays pending.
        if (pending[name] === sent[name]) delete pending[name];
        if (kept[name] === sent[name]) delete kept[name];
      });
      writeKept(form, kept);
    }

    function body(sent) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", tokenField.value);
      Object.keys(sent).forEach(function (name) {
        data.append(name, sent[name]);
      });
      return data;
    }

    function later() {
      if (!retry) {
        retry = setTimeout(function () {
          retry = null;
          send();
        }, 15000);
      }
    }

    function send() {
      timer = null;
      if (inFlight) {
        schedule(DELAY);
        return;
      }
      var sent = {};
      Object.keys(pending).forEach(function (name) {
        sent[name] = pending[name];
      });
      if (!Object.keys(sent).length) return;
      inFlight = true;
      say(text.saving);
      fetch(form.action, {
        method: "POST",
        body: body(sent),
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": tokenField.value },
      })
        .then(function (response) {
          inFlight = false;
          if (response.status === 204) {
            confirmSaved(sent);
            Object.keys(sent).forEach(function (name) { fieldError(form, name, null); });
            var now = new Date();
            say(text.saved + now.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }));
            if (Object.keys(pending).length) schedule(DELAY);
            return;
          }
          var type = response.headers.get("Content-Type") || "";
          if (response.redirected || type.indexOf("json") === -1) {
            // The session ended (the answer is the log-in page) or the server failed:
            // the values stay kept in this browser and are sent again.
            say(response.redirected || response.status === 403 ? text.expired : text.offline);
            later();
            return;
          }
          return response.json().then(function (answer) {
            var errors = (answer && answer.errors) || {};
            var all = [];
            Object.keys(sent).forEach(function (name) {
              fieldError(form, name, errors[name] || null);
              if (errors[name]) {
                all = all.concat(errors[name]);
              } else if (pending[name] === sent[name]) {
                delete pending[name];
              }
            });
            // A refused value is not kept: the message says what to change.
            confirmSaved(sent);
            say(text.failed + all.join(" "));
          });
        })
        .catch(function () {
          inFlight = false;
          say(text.offline);
          later();
        });
    }

    function onChange(event) {
      var target = event.target;
      if (!target.name || target.type === "file" || target.name === "csrfmiddlewaretoken") return;
      keep(target.name, valueOf(form, target.name));
      schedule(event.type === "change" ? 0 : DELAY);
    }

    // What was typed before this script ran (a slow connection) is saved too.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.name === "csrfmiddlewaretoken") return;
      var edited = field.type === "checkbox" || field.type === "radio"
        ? field.checked !== field.defaultChecked
        : "defaultValue" in field && field.value !== field.defaultValue;
      if (edited) keep(field.name, valueOf(form, field.name));
    });
    if (Object.keys(pending).length) schedule(0);

    // Changes kept from an earlier visit that the server never confirmed.
    var kept = readKept(form);
    var restored = 0;
    Object.keys(kept).forEach(function (name) {
      if (valueOf(form, name) === kept[name]) {
        delete kept[name];
      } else if (setValue(form, name, kept[name])) {
        pending[name] = kept[name];
        restored += 1;
      }
    });
    writeKept(form, kept);
    if (restored) {
      say(text.restored);
      schedule(0);
    }

    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
    form.addEventListener("submit", function () {
      // The whole form goes to the server: nothing is left to keep.
      writeKept(form, {});
    });
    window.addEventListener("online", function () {
      if (Object.keys(pending).length) schedule(0);
    });
    window.addEventListener("pagehide", function () {
      if (!Object.keys(pending).length) return;
      // The last keystrokes before the tab closes: sent with keepalive; they
      // also stay kept in this browser until a later visit confirms them.
      fetch(form.action, {
        method: "POST",
        body: body(pending),
        credentials: "same-origin",
        keepalive: true,
        headers: { "X-Autosave": "1", "X-CSRFToken": tokenField.value },
      }).catch(function () {});
    });
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(setUpWordCount);
  document.querySelectorAll("form[data-autosave]").forEach(setUp);
})();
