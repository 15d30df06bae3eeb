// ttokttok meetings pages: progressive enhancement. Every page works without this file; with it
// the invitee picker searches and counts, the message preview follows what you type, the live
// view refreshes itself while the meeting runs, suggestion buttons fill in match keys, and a
// chosen .ics file fills the import's text box.
// Text only ever goes in through textContent or value: nothing from Kakao or Zoom becomes markup.
"use strict";

(function () {
  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // Kakao counts characters (code points), not UTF-16 units.
  function charCount(text) {
    return Array.from(text).length;
  }

  // What matching ignores: case, spaces and punctuation.
  function fold(text) {
    return (text || "").normalize("NFC").toLowerCase().replace(/[\s.,_\-()[\]]/g, "");
  }

  function checkedNicknames() {
    var names = [];
    document.querySelectorAll(".invitee-option").forEach(function (option) {
      var box = option.querySelector("input[type='checkbox']");
      if (box && box.checked) names.push(option.getAttribute("data-nickname") || "");
    });
    return names;
  }

  function setUpPicker() {
    var picker = document.getElementById("invitee-picker");
    if (!picker) return;
    var search = document.getElementById("invitee-search");
    var count = document.getElementById("invitee-count");
    var options = Array.prototype.slice.call(picker.querySelectorAll(".invitee-option"));
    function recount() {
      if (count) count.textContent = String(checkedNicknames().length);
      document.dispatchEvent(new CustomEvent("tt:invitees-changed"));
    }
    function filter() {
      var query = fold(search ? search.value : "");
      options.forEach(function (option) {
        option.hidden = query !== "" && fold(option.getAttribute("data-nickname")).indexOf(query) === -1;
      });
    }
    if (search) search.addEventListener("input", filter);
    picker.addEventListener("change", recount);
    var all = document.getElementById("invitee-select-shown");
    if (all) {
      all.addEventListener("click", function () {
        options.forEach(function (option) {
          var box = option.querySelector("input[type='checkbox']");
          if (box && !option.hidden) box.checked = true;
        });
        recount();
      });
    }
    var clear = document.getElementById("invitee-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        options.forEach(function (option) {
          var box = option.querySelector("input[type='checkbox']");
          if (box) box.checked = false;
        });
        recount();
      });
    }
  }

  // The same variables and escapes as the server (domain::meeting::template).
  var VARIABLES = {
    "이름": "name", name: "name",
    "모임": "meeting", meeting: "meeting",
    "시작": "start", start: "start",
    "경과": "minutes_late", minutes_late: "minutes_late"
  };

  function fill(template, values) {
    var out = "";
    for (var i = 0; i < template.length; i++) {
      var c = template[i];
      if (c === "{" && template[i + 1] === "{") { out += "{"; i++; continue; }
      if (c === "}" && template[i + 1] === "}") { out += "}"; i++; continue; }
      if (c === "{") {
        var close = template.indexOf("}", i + 1);
        var key = close === -1 ? null : VARIABLES[template.slice(i + 1, close).trim()];
        if (key) { out += values[key]; i = close; continue; }
      }
      out += c;
    }
    return out;
  }

  function setUpPreview() {
    var template = document.getElementById("template");
    var preview = document.getElementById("template-preview");
    var count = document.getElementById("template-count");
    if (!template || !preview) return;
    var title = document.getElementById("title");
    var start = document.getElementById("start");
    var duration = document.getElementById("duration");
    var max = parseInt(template.getAttribute("data-max-chars") || "200", 10);
    function update() {
      var names = checkedNicknames();
      var longest = names.reduce(function (a, b) { return charCount(b) > charCount(a) ? b : a; }, "");
      var startText = start && start.value.length >= 16 ? start.value.slice(11, 16) : "19:00";
      var text = fill(template.value, {
        name: longest || "홍길동",
        meeting: title ? title.value.trim() : "",
        start: startText,
        minutes_late: duration && duration.value ? String(parseInt(duration.value, 10) || 60) : "60"
      });
      preview.textContent = text;
      if (count) {
        var n = charCount(text);
        count.textContent = String(n);
        count.parentNode.classList.toggle("over", n > max);
      }
    }
    [template, title, start, duration].forEach(function (input) {
      if (input) input.addEventListener("input", update);
    });
    document.addEventListener("tt:invitees-changed", update);
    update();
  }

  function setUpLiveRefresh() {
    var live = document.getElementById("meeting-live");
    if (!live || live.getAttribute("data-phase") !== "live" || !window.fetch) return;
    var url = live.getAttribute("data-status-url");
    var seconds = parseInt(live.getAttribute("data-refresh-seconds") || "15", 10);
    var timer = null;
    function apply(status) {
      var joined = document.getElementById("joined-count");
      if (joined) joined.textContent = String(status.joined);
      var total = document.getElementById("total-count");
      if (total) total.textContent = String(status.total);
      status.invitees.forEach(function (row) {
        var tr = document.querySelector(".invitee-row[data-friend='" + CSS.escape(row.friend) + "']");
        if (!tr) return;
        tr.setAttribute("data-status", row.status);
        var text = tr.querySelector(".status-text");
        if (text) text.textContent = row.status_text;
        var reminded = tr.querySelector(".reminded-count");
        if (reminded && reminded.children.length === 0) reminded.textContent = String(row.reminded);
      });
      live.setAttribute("data-phase", status.phase);
      if (status.phase !== "live" && timer) {
        window.clearInterval(timer);
        timer = null;
      }
    }
    function refresh() {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) { if (status) apply(status); })
        .catch(function () { /* try again next time */ });
    }
    timer = window.setInterval(refresh, Math.max(5, seconds) * 1000);
  }

  function setUpFillButtons() {
    document.querySelectorAll("[data-fill-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.querySelector(button.getAttribute("data-fill-target"));
        if (target) {
          target.value = button.getAttribute("data-fill-value") || "";
          target.focus();
        }
      });
    });
  }

  function setUpConfirm() {
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // A chosen file's text goes into the form's text box (the box alone works without this).
  function setUpFileFill() {
    document.querySelectorAll("input[type='file'][data-fills]").forEach(function (input) {
      input.addEventListener("change", function () {
        var target = document.querySelector(input.getAttribute("data-fills"));
        var file = input.files && input.files[0];
        if (!target || !file) return;
        file.text().then(function (text) { target.value = text; });
      });
    });
  }

  onReady(function () {
    setUpFileFill();
    setUpPicker();
    setUpPreview();
    setUpLiveRefresh();
    setUpFillButtons();
    setUpConfirm();
  });
})();
