// ttokttok (똑똑): progressive enhancement for the server-rendered pages.
// Every page works without this file; with it you get the searchable friend picker, the live
// character count and preview, copy buttons and modal dialogs. It never builds HTML from strings:
// text goes in through textContent only, so nothing from Kakao (nicknames) can become markup.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  // Kakao counts characters (code points), not UTF-16 units.
  function charCount(text) {
    return Array.from(text).length;
  }

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // Copy buttons: <button data-copy-target="#input-id" data-copied-label="Copied">.
  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.querySelector(button.getAttribute("data-copy-target"));
        if (!target) return;
        var text = target.value !== undefined ? target.value : target.textContent;
        var original = button.textContent;
        var done = function () {
          button.textContent = button.getAttribute("data-copied-label") || original;
          button.setAttribute("data-copied", "true");
          window.setTimeout(function () {
            button.textContent = original;
          }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {
            target.select && target.select();
          });
        } else if (target.select) {
          target.select();
          try {
            document.execCommand("copy");
            done();
          } catch (e) {
            /* the text stays selected for the person to copy */
          }
        }
      });
    });
  }

  // Dialogs rendered with data-open="true" open as modals; [data-close-dialog] closes its dialog.
  function setUpDialogs() {
    document.querySelectorAll("dialog[data-open='true']").forEach(function (dialog) {
      if (dialog.open) dialog.close();
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
    });
    document.querySelectorAll("[data-close-dialog]").forEach(function (button) {
      button.addEventListener("click", function () {
        var dialog = button.closest("dialog");
        if (dialog && dialog.open) dialog.close();
        else if (dialog) dialog.removeAttribute("open");
      });
    });
  }

  // The friend picker: a searchable list with thumbnails over a hidden <select name="friend">.
  function setUpFriendPicker() {
    var picker = document.getElementById("friend-picker");
    if (!picker) return;
    var select = document.getElementById("friend-select");
    var ui = picker.querySelector(".picker-ui");
    var button = document.getElementById("friend-picker-button");
    var label = document.getElementById("friend-picker-label");
    var avatarSlot = document.getElementById("friend-picker-avatar");
    var panel = document.getElementById("friend-picker-panel");
    var search = document.getElementById("friend-search");
    var list = document.getElementById("friend-options");
    var empty = document.getElementById("friend-options-empty");
    if (!select || !ui || !button || !panel || !search || !list) return;
    var options = Array.prototype.slice.call(list.querySelectorAll("[role='option']"));
    ui.hidden = false;
    // A hidden required control would block submission silently; the server checks instead.
    select.required = false;

    function visibleOptions() {
      return options.filter(function (o) {
        return !o.hidden;
      });
    }

    function setActive(option) {
      options.forEach(function (o) {
        o.classList.toggle("active", o === option);
      });
      if (option) {
        option.scrollIntoView({ block: "nearest" });
        search.setAttribute("aria-activedescendant", option.id);
      }
    }

    function open() {
      panel.hidden = false;
      button.setAttribute("aria-expanded", "true");
      search.value = "";
      filter();
      search.focus();
    }

    function close() {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
    }

    function choose(option) {
      select.value = option.getAttribute("data-uuid");
      select.dispatchEvent(new Event("change", { bubbles: true }));
      options.forEach(function (o) {
        o.setAttribute("aria-selected", o === option ? "true" : "false");
      });
      label.textContent = option.getAttribute("data-name");
      if (avatarSlot) {
        while (avatarSlot.firstChild) avatarSlot.removeChild(avatarSlot.firstChild);
        var avatar = option.querySelector(".avatar");
        if (avatar) avatarSlot.appendChild(avatar.cloneNode(true));
      }
      close();
      button.focus();
    }

    function filter() {
      var query = search.value.trim().toLowerCase();
      var shown = 0;
      options.forEach(function (o) {
        var match = query === "" || o.getAttribute("data-name").toLowerCase().indexOf(query) !== -1;
        o.hidden = !match;
        if (match) shown += 1;
      });
      if (empty) empty.hidden = shown !== 0;
      setActive(visibleOptions()[0] || null);
    }

    button.addEventListener("click", function () {
      if (panel.hidden) open();
      else close();
    });
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      var visible = visibleOptions();
      var current = visible.indexOf(list.querySelector(".active"));
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(visible[Math.min(current + 1, visible.length - 1)] || null);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(visible[Math.max(current - 1, 0)] || null);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (current >= 0) choose(visible[current]);
      } else if (event.key === "Escape") {
        close();
        button.focus();
      }
    });
    options.forEach(function (option) {
      option.addEventListener("click", function () {
        choose(option);
      });
    });
    document.addEventListener("click", function (event) {
      if (!picker.contains(event.target)) close();
    });
    // Keep the picker in step with the (hidden) select, e.g. after a failed send re-renders it.
    var preselected = options.filter(function (o) {
      return o.getAttribute("data-uuid") === select.value && select.value !== "";
    })[0];
    if (preselected) {
      label.textContent = preselected.getAttribute("data-name");
      preselected.setAttribute("aria-selected", "true");
      if (avatarSlot) {
        var a = preselected.querySelector(".avatar");
        if (a) avatarSlot.appendChild(a.cloneNode(true));
      }
    }
  }

  // The message: live count (200 at most), preset texts and the KakaoTalk preview.
  function setUpComposer() {
    var text = document.getElementById("message-text");
    if (!text) return;
    var count = document.getElementById("char-count");
    var counter = document.getElementById("char-counter");
    var preview = document.getElementById("preview-text");
    var placeholder = preview ? preview.getAttribute("data-placeholder") : "";
    var max = parseInt(text.getAttribute("data-max-chars") || "200", 10);
    var send = document.getElementById("send-button");

    function update() {
      var n = charCount(text.value);
      if (count) count.textContent = String(n);
      var over = n > max;
      if (counter) counter.classList.toggle("over", over);
      if (preview) preview.textContent = text.value.trim() === "" ? placeholder : text.value;
      if (send) send.disabled = over;
    }

    document.querySelectorAll("[data-preset]").forEach(function (button) {
      button.addEventListener("click", function () {
        text.value = button.getAttribute("data-preset");
        update();
        text.focus();
      });
    });
    text.addEventListener("input", update);
    update();
  }

  onReady(function () {
    setUpCopyButtons();
    setUpFriendPicker();
    setUpComposer();
    setUpDialogs();
  });
})();
