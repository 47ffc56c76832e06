// Show each session's times in the viewer's own time zone beside the event's.
// Progressive enhancement: without JavaScript the page shows the event's times only.
(function () {
  "use strict";

  function viewerZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function formatter(zone) {
    var language = document.documentElement.lang || undefined;
    return new Intl.DateTimeFormat(language, {
      timeZone: zone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
  }

  function annotate(container) {
    var eventZone = container.getAttribute("data-event-zone");
    var zone = viewerZone();
    if (!zone || !eventZone || zone === eventZone) {
      return;
    }
    var label = container.getAttribute("data-local-label") || "";
    var format = formatter(zone);
    container.querySelectorAll(".session-time").forEach(function (element) {
      var start = new Date(element.getAttribute("data-start"));
      var end = new Date(element.getAttribute("data-end"));
      if (isNaN(start.getTime()) || isNaN(end.getTime())) {
        return;
      }
      var local = document.createElement("span");
      local.className = "local-time";
      local.textContent = " (" + label + " " + format.format(start) + "–" + format.format(end) + ")";
      element.appendChild(local);
    });
  }

  document.querySelectorAll("[data-event-zone]").forEach(annotate);
})();
