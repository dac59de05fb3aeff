// Sign-up: the company's time zone starts as the browser's own (reminders go at 09:00 there),
// unless the person already chose one. Without JavaScript it stays UTC, to be chosen.
(function () {
  "use strict";
  var select = document.querySelector("select[name$=time_zone]");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || !zone || select.dataset.chosen) {
    return;
  }
  var known = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (known && select.value === "UTC") {
    select.value = zone;
  }
})();
