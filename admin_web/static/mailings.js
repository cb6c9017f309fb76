// Mailing pages: the segment's live count, the SMS part counter, a campaign's progress while
// it runs, and a question before cancelling. Each part is only a convenience: every page
// shows the same figures from the server after a submit or a reload.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function json(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) { throw new Error("not JSON"); }
    return response.json();
  }

  // The segment form: "N clients match" for the filters as they are now, without saving.
  var segmentForm = document.getElementById("segment-form");
  if (segmentForm) {
    var countBox = document.getElementById("segment-count");
    var asked = 0;
    var recount = debounce(function () {
      var params = new URLSearchParams();
      new FormData(segmentForm).forEach(function (value, key) {
        if (key !== "_csrf" && key !== "name" && key !== "action") { params.append(key, value); }
      });
      var mine = ++asked;
      fetch(segmentForm.dataset.countUrl + "?" + params.toString(), {
        headers: { Accept: "application/json" }
      }).then(json).then(function (data) {
        if (mine !== asked) { return; }
        countBox.textContent = data.error || data.text;
        countBox.classList.toggle("field-error", Boolean(data.error));
      }).catch(function () {});
    }, 250);
    segmentForm.addEventListener("input", recount);
    segmentForm.addEventListener("change", recount);
    // Once at start too: the browser may have filled the form (going back to the page),
    // or the reader typed before this script ran, and the page's count is then stale.
    recount();
  }

  // The template form: "GSM-7, 2 parts" under each SMS text as it is typed.
  var templateForm = document.getElementById("template-form");
  if (templateForm) {
    var token = templateForm.querySelector("input[name=_csrf]").value;
    templateForm.querySelectorAll("textarea[data-sms-counter]").forEach(function (area) {
      var target = document.getElementById(area.dataset.smsCounter);
      var asked = 0;
      area.addEventListener("input", debounce(function () {
        var body = new FormData();
        body.append("text", area.value);
        var mine = ++asked;
        fetch(templateForm.dataset.smsUrl, {
          method: "POST",
          body: body,
          headers: { Accept: "application/json", "X-CSRF-Token": token }
        }).then(json).then(function (data) {
          if (mine === asked) { target.textContent = data.text; }
        }).catch(function () {});
      }, 250));
    });
  }

  // A campaign's page: the figures follow the worker; a change of state reloads the page so
  // the buttons match it.
  var progressBox = document.getElementById("campaign-progress");
  if (progressBox && progressBox.dataset.live) {
    var set = function (id, value) {
      var element = document.getElementById(id);
      if (element) { element.textContent = String(value); }
    };
    var poll = function () {
      fetch(progressBox.dataset.progressUrl, { headers: { Accept: "application/json" } })
        .then(json)
        .then(function (data) {
          if (data.state !== progressBox.dataset.state) {
            // Reload without the last action's notice ("launched"), keeping the filters.
            var url = new URL(window.location.href);
            url.searchParams.delete("done");
            if (url.toString() === window.location.href) {
              window.location.reload();
            } else {
              window.location.replace(url.toString());
            }
            return;
          }
          var bar = document.getElementById("progress-bar");
          bar.max = data.total || 1;
          bar.value = data.done;
          set("progress-percent", data.percent + "%");
          set("progress-summary", data.summary);
          set("count-queued", data.counts.queued + data.counts.sending);
          set("count-sent", data.counts.sent);
          set("count-delivered", data.delivered);
          set("count-failed", data.counts.failed);
          set("count-skipped", data.counts.skipped);
          set("count-clicked", data.clicked);
          set("count-replied", data.replied);
        })
        .catch(function () {});
    };
    setInterval(poll, 2000);
  }

  // Forms that cannot be undone ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
