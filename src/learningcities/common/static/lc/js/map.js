/*
 * Map of member cities (network:map).
 *
 * Draws a vector world basemap from packaged data (world-atlas, TopoJSON), so
 * the map works with no tile server at all; adds raster tiles on top only when
 * the operator configured a tile URL. Members come from the GeoJSON endpoint,
 * clustered. Everything is configured through data- attributes of #map: no
 * inline script, ready for a Content Security Policy.
 */
(function () {
  "use strict";

  var element = document.getElementById("map");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var config = element.dataset;

  var status = document.createElement("p");
  status.className = "map-status muted";
  status.setAttribute("role", "status");
  status.textContent = config.labelLoading || "";
  element.parentNode.insertBefore(status, element.nextSibling);

  // "#lat,lon,zoom" opens the map there (the city page links to it).
  function viewFromHash() {
    var match = /^#(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d{1,2})$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    var lat = parseFloat(match[1]);
    var lon = parseFloat(match[2]);
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return null;
    }
    return { center: [lat, lon], zoom: Math.min(parseInt(match[3], 10), 12) };
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
  var start = viewFromHash();
  if (start) {
    map.setView(start.center, start.zoom);
  } else {
    map.fitBounds([[-45, -140], [70, 160]]);
  }

  // The basemap sits below the tile pane (z-index 200): tiles, when there are
  // any, cover it; when they cannot load, it shows through.
  var basemapPane = map.createPane("basemap");
  basemapPane.style.zIndex = 150;
  basemapPane.style.pointerEvents = "none";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + " answered " + response.status);
      }
      return response.json();
    });
  }

  // Countries that cross the antimeridian (Russia, Fiji) come as rings that
  // jump from +180 to -180; keep each ring continuous so no band is drawn
  // across the world. Antarctica wraps around the pole and is left as it is.
  function unwrapRing(ring) {
    var unwrapped = [];
    var shift = 0;
    for (var i = 0; i < ring.length; i++) {
      var lon = ring[i][0];
      if (i > 0) {
        var step = lon - ring[i - 1][0];
        if (step > 180) {
          shift -= 360;
        } else if (step < -180) {
          shift += 360;
        }
      }
      unwrapped.push([lon + shift, ring[i][1]]);
    }
    return unwrapped;
  }

  function unwrapFeature(feature) {
    var geometry = feature.geometry;
    if (!geometry || feature.id === "010") {
      return feature;
    }
    if (geometry.type === "Polygon") {
      geometry.coordinates = geometry.coordinates.map(unwrapRing);
    } else if (geometry.type === "MultiPolygon") {
      geometry.coordinates = geometry.coordinates.map(function (polygon) {
        return polygon.map(unwrapRing);
      });
    }
    return feature;
  }

  if (config.basemapUrl && window.topojson) {
    getJSON(config.basemapUrl)
      .then(function (topology) {
        var countries = window.topojson.feature(topology, topology.objects.countries);
        countries.features.forEach(unwrapFeature);
        L.geoJSON(countries, {
          pane: "basemap",
          renderer: L.svg({ pane: "basemap", padding: 0.5 }),
          interactive: false,
          style: {
            color: "#7d8b96",
            weight: 0.7,
            fillColor: "#f7f4ec",
            fillOpacity: 1,
          },
        }).addTo(map);
      })
      .catch(function () {
        // Without outlines the markers still show on the sea-coloured background.
      });
  }

  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, {
      attribution: config.tilesAttribution || "",
      maxZoom: 18,
    }).addTo(map);
  }

  function popupContent(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var name = document.createElement("strong");
    name.appendChild(link);
    box.appendChild(name);
    if (properties.local_name) {
      // The local name's language is not recorded: lang="" (unknown), its own direction.
      var local = document.createElement("div");
      local.lang = "";
      local.dir = "auto";
      local.textContent = properties.local_name;
      box.appendChild(local);
    }
    if (properties.country) {
      var country = document.createElement("div");
      country.textContent = properties.country;
      box.appendChild(country);
    }
    return box;
  }

  getJSON(config.membersUrl)
    .then(function (collection) {
      var markers = collection.features.map(function (feature) {
        var coordinates = feature.geometry.coordinates;
        var properties = feature.properties;
        var label = properties.country
          ? properties.name + " (" + properties.country + ")"
          : properties.name;
        var marker = L.marker([coordinates[1], coordinates[0]], {
          title: label,
          alt: label,
          keyboard: true,
        });
        marker.bindPopup(popupContent(properties));
        return marker;
      });
      var clusters = L.markerClusterGroup({
        chunkedLoading: true,
        showCoverageOnHover: false,
        maxClusterRadius: 48,
      });
      clusters.addLayers(markers);
      map.addLayer(clusters);
      status.textContent = (config.labelCities || "") + " " + markers.length;
    })
    .catch(function () {
      status.textContent = config.labelFailed || "";
    });
})();
