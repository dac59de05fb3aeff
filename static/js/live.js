// Live pages (calibration/live.py). Two requests need to know which forms are open here:
// the poll (#live) says where this person is editing, so the others see it; the refresh
// (#live-refresh) names every spot holding a form that is open or typed in, with the
// version it was opened at, so the server keeps those spots exactly as they are.
(function () {
  "use strict";

  function typedIn(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      return "defaultValue" in field && field.type !== "hidden" && field.value !== field.defaultValue;
    });
  }

  function openSpots() {
    var spots = [];
    document.querySelectorAll("#main form[method=post]").forEach(function (form) {
      var spot = form.closest("[id]");
      var editing = form.closest(".editing") !== null;
      if (!spot || spot.id === "main" || !(editing || typedIn(form))) {
        return;
      }
      var version = form.querySelector("input[name$=version]");
      var heading = spot.querySelector("h2, h3, legend, label");
      spots.push({
        id: spot.id,
        version: version ? version.defaultValue : "",
        label: spot.dataset.presence || (heading ? heading.textContent.trim().toLowerCase() : ""),
        editing: editing,
      });
    });
    return spots;
  }

  // Opening a form or starting to type tells the others at once, not at the next poll.
  var told = "";
  function tellIfChanged() {
    var poller = document.getElementById("live");
    var now = openSpots().map(function (spot) { return spot.id; }).join(" ");
    if (poller && now !== told) {
      told = now;
      htmx.trigger(poller, "calibrate:editing");
    }
  }
  document.addEventListener("htmx:afterSettle", tellIfChanged);
  document.addEventListener("input", tellIfChanged);

  // The person's own requests (opening a form, saving) come first: a refresh never swaps
  // the page while one is on its way (its answer would land in a replaced element).
  var busy = 0;
  function own(event) {
    var id = event.detail.elt.id;
    return id !== "live" && id !== "live-refresh";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (own(event)) { busy += 1; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (own(event)) { busy = Math.max(0, busy - 1); }
  });
  function refreshLater() {
    setTimeout(function () { htmx.trigger(document.body, "calibrate:changed"); }, 300);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    if (element.id === "live-refresh" && busy > 0) {
      event.preventDefault();
      refreshLater();
      return;
    }
    if (element.id === "live") {
      if (document.visibilityState !== "visible") {
        event.preventDefault(); // a hidden tab costs the server nothing
        return;
      }
      var editing = openSpots().filter(function (spot) { return spot.editing || spot.label; });
      event.detail.parameters.editing = editing.map(function (spot) { return spot.id; });
      event.detail.parameters.label = editing.map(function (spot) { return spot.label; });
    } else if (element.id === "live-refresh") {
      var spots = openSpots();
      element.dataset.kept = spots.map(function (spot) { return spot.id; }).join(" ");
      event.detail.parameters.keep = spots.map(function (spot) {
        return spot.id + ":" + spot.version;
      });
    }
  });

  // A form opened while the refresh was on its way was not named in it, and a request of
  // the person's own may still be on its way: swapping would drop either. Skip this answer
  // and ask again.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var element = event.detail.elt;
    if (element.id !== "live-refresh") {
      return;
    }
    var kept = (element.dataset.kept || "").split(" ");
    var missed = openSpots().some(function (spot) { return kept.indexOf(spot.id) < 0; });
    if (missed || busy > 0) {
      event.detail.shouldSwap = false;
      refreshLater();
    }
  });
})();
