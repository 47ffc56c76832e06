/*
 * Choosing a city's coordinates on a map (network:register-city).
 *
 * Selecting a point of the map fills in the latitude and longitude fields
 * named by the map's data- attributes; typing in those fields moves the
 * marker. The fields stay the source of truth: without JavaScript, or with a
 * keyboard, people type the coordinates. Same basemap as the members' map
 * (world-atlas outlines, optional tiles); no inline script, for the CSP.
 */
(function () {
  "use strict";

  var element = document.getElementById("location-map");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var config = element.dataset;
  var latitudeInput = document.getElementById(config.latitudeInput);
  var longitudeInput = document.getElementById(config.longitudeInput);
  if (!latitudeInput || !longitudeInput) {
    return;
  }

  function typedPoint() {
    var lat = parseFloat(latitudeInput.value);
    var lon = parseFloat(longitudeInput.value);
    if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return null;
    }
    return [lat, lon];
  }

  var map = L.map(element, {
    minZoom: 1,
    maxZoom: 14,
    zoomSnap: 0.5,
    worldCopyJump: true,
    maxBounds: [[-85, -240], [85, 240]],
    zoomControl: false,
    attributionControl: false,
  });
  // The map, a picture of the world, never mirrors; its controls do. Right to left,
  // the zoom buttons stand at the start of the first line (top right) and the credits
  // at the end of the last (bottom left).
  var rightToLeft = window.getComputedStyle(element).direction === "rtl";
  L.control.zoom({ position: rightToLeft ? "topright" : "topleft" }).addTo(map);
  L.control.attribution({ position: rightToLeft ? "bottomleft" : "bottomright" }).addTo(map);
  var start = typedPoint();
  if (start) {
    map.setView(start, 7);
  } else {
    map.fitBounds([[-45, -140], [70, 160]]);
  }

  var basemapPane = map.createPane("basemap");
  basemapPane.style.zIndex = 150;
  basemapPane.style.pointerEvents = "none";

  if (config.basemapUrl && window.topojson) {
    fetch(config.basemapUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("basemap answered " + response.status);
        }
        return response.json();
      })
      .then(function (topology) {
        var countries = window.topojson.feature(topology, topology.objects.countries);
        L.geoJSON(countries, {
          pane: "basemap",
          renderer: L.svg({ pane: "basemap", padding: 0.5 }),
          interactive: false,
          style: { color: "#7d8b96", weight: 0.7, fillColor: "#f7f4ec", fillOpacity: 1 },
        }).addTo(map);
      })
      .catch(function () {
        // Without outlines a point can still be chosen; the fields stay usable.
      });
  }
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, {
      attribution: config.tilesAttribution || "",
      maxZoom: 18,
    }).addTo(map);
  }

  var marker = null;
  function showPoint(point) {
    if (!point) {
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      return;
    }
    if (marker) {
      marker.setLatLng(point);
    } else {
      marker = L.circleMarker(point, {
        radius: 8,
        color: "#0b4f8a",
        weight: 3,
        fillColor: "#ffbf47",
        fillOpacity: 0.9,
        interactive: false,
      }).addTo(map);
    }
  }
  showPoint(start);

  map.on("click", function (event) {
    var point = event.latlng.wrap();
    latitudeInput.value = point.lat.toFixed(5);
    longitudeInput.value = point.lng.toFixed(5);
    showPoint([point.lat, point.lng]);
    // Tell listeners (and the browser's validation) that the values changed.
    latitudeInput.dispatchEvent(new Event("change", { bubbles: true }));
    longitudeInput.dispatchEvent(new Event("change", { bubbles: true }));
  });

  function followTyping() {
    var point = typedPoint();
    showPoint(point);
    if (point) {
      map.panTo(point);
    }
  }
  latitudeInput.addEventListener("input", followTyping);
  longitudeInput.addEventListener("input", followTyping);
})();
