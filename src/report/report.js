// depeche review report: filters for the index and article pages.
// The filter comes from the menu or the address (#filter=flagged, #filter=mt,
// #filter=check:numbers); #shown holds the number of rows left visible, and
// on an index of several pages #total the rows the filter keeps on all of
// them. Links to the other pages (nav.pages) keep the filter.
(function () {
  "use strict";
  var menu = document.getElementById("filter");
  var body = document.getElementById("rows");
  var rows = body ? body.rows : [];
  var shown = document.getElementById("shown");
  var total = document.getElementById("total");
  var links = document.querySelectorAll("nav.pages a");

  function keep(row, filter) {
    if (filter === "flagged") return row.getAttribute("data-flagged") === "1";
    if (filter === "mt") return row.getAttribute("data-mt") !== "0";
    if (filter.indexOf("check:") === 0) {
      var checks = " " + row.getAttribute("data-checks") + " ";
      return checks.indexOf(" " + filter.slice(6) + " ") >= 0;
    }
    return true;
  }

  function apply(filter) {
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = keep(rows[i], filter);
      rows[i].hidden = !ok;
      if (ok) n++;
    }
    if (shown) shown.textContent = String(n);
    if (total && menu && menu.selectedIndex >= 0) {
      total.textContent = menu.options[menu.selectedIndex].getAttribute("data-total") || "?";
    }
    for (var j = 0; j < links.length; j++) {
      var href = links[j].getAttribute("href").split("#")[0];
      links[j].setAttribute("href", filter === "all" ? href : href + "#filter=" + filter);
    }
    document.body.setAttribute("data-filter", filter);
  }

  function fromAddress() {
    var m = /(?:^#|&)filter=([^&]+)/.exec(location.hash);
    var filter = m ? decodeURIComponent(m[1]) : "all";
    if (menu) menu.value = filter;
    apply(filter);
  }

  if (menu) {
    menu.addEventListener("change", function () {
      location.hash = "filter=" + encodeURIComponent(menu.value);
    });
  }
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
  window.addEventListener("load", function () {
    // Time from navigation start to the load event, for measurements.
    document.body.setAttribute("data-load-ms", String(Math.round(performance.now())));
  });
})();
