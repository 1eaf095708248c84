/**
 * The presenter page's script, as text inlined into the page. Plain browser JavaScript: keys move
 * between screens, two windows (projector and facilitator) follow each other by postMessage, and
 * text that would overflow its fixed box is set smaller instead of moving anything.
 */
/** The separator of the titles' parts, put in as a value: the bundle keeps no character beyond ASCII in its text (build/bundle.mjs). */
const DOT = "·";

export const CLIENT = String.raw`
(function () {
  "use strict";
  var body = document.body;
  var data = JSON.parse(document.getElementById("screens").textContent);
  var projector = Array.prototype.slice.call(document.querySelectorAll("#projector .screen"));
  var notes = Array.prototype.slice.call(document.querySelectorAll("#facilitator .notes"));
  var bar = document.querySelector("#projector .bar i");
  var counts = document.querySelectorAll(".count");
  var clockEl = document.querySelector(".clock");
  var planEl = document.querySelector(".plan");
  var preview = document.querySelector(".preview");
  var nextEl = document.querySelector(".next b");
  var index = 0;
  var peer = window.opener || null;
  var started = Date.now();
  var digits = "";
  var digitTimer = 0;

  function parseHash() {
    var m = /^#(projector|facilitator)?(?:\/(\d+))?$/.exec(location.hash || "");
    if (!m) return;
    if (m[1]) body.dataset.view = m[1];
    if (m[2]) index = Math.max(0, Math.min(data.length - 1, Number(m[2]) - 1));
  }

  function scale() {
    var s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    var stages = document.querySelectorAll(".stage");
    for (var k = 0; k < stages.length; k++)
      stages[k].style.transform = "scale(" + s + ") translate(-50%, -50%)";
  }

  /** Shrinks the text in a fixed box until it fits; the box itself never changes size. */
  function fit(el, max, min) {
    if (!el) return;
    var size = max;
    el.style.fontSize = size + "px";
    while (el.scrollHeight > el.clientHeight + 1 && size > min) {
      size -= 1;
      el.style.fontSize = size + "px";
    }
  }

  function mmss(seconds) {
    var sign = seconds < 0 ? "-" : "";
    seconds = Math.abs(Math.round(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return sign + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var elapsed = (Date.now() - started) / 1000;
    clockEl.textContent = mmss(elapsed);
    var planned = data[index].start * 60;
    var late = elapsed - planned - data[index].minutes * 60;
    planEl.textContent = "planned " + mmss(planned) + " ${DOT} " +
      (late > 0 ? mmss(late) + " behind" : elapsed < planned - 60 ? mmss(planned - elapsed) + " ahead" : "on time");
    planEl.classList.toggle("late", late > 0);
  }

  function show(n, quiet) {
    index = Math.max(0, Math.min(data.length - 1, n));
    for (var k = 0; k < projector.length; k++) projector[k].hidden = k !== index;
    for (var j = 0; j < notes.length; j++) notes[j].hidden = j !== index;
    var shown = "" + (index + 1) + " / " + data.length;
    for (var c = 0; c < counts.length; c++) counts[c].textContent = shown;
    bar.style.width = (100 * (index + 1) / data.length) + "%";
    document.title = data[index].title + " ${DOT} " + document.querySelector("meta[name=replikit-title]").content;
    var svg = projector[index].querySelector(".diagram svg");
    preview.innerHTML = "";
    if (svg) preview.appendChild(svg.cloneNode(true));
    var next = data[index + 1];
    nextEl.textContent = next ? (next.label ? "Step " + next.label + ". " : "") + next.title : "the end";
    if (body.dataset.view === "projector") {
      fit(projector[index].querySelector(".watch ul"), 36, 22);
      fit(projector[index].querySelector(".big .lines"), 44, 26);
    } else fit(notes[index].querySelector(".body"), 32, 18);
    tick();
    try { history.replaceState(null, "", "#" + body.dataset.view + "/" + (index + 1)); } catch (e) { /* file: pages may refuse */ }
    if (!quiet && peer && !peer.closed) peer.postMessage({ replikit: "show", index: index }, "*");
  }

  /** The first screen of step n in the current section (a workshop numbers steps per interactive). */
  function jump(n) {
    var section = data[index].section;
    for (var k = 0; k < data.length; k++)
      if (data[k].section === section && data[k].step === n) return show(k);
    for (var j = 0; j < data.length; j++) if (data[j].step === n) return show(j);
  }

  function flushDigits() {
    clearTimeout(digitTimer);
    if (digits) jump(Number(digits));
    digits = "";
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var k = e.key;
    if (/^[0-9]$/.test(k)) {
      digits += k;
      clearTimeout(digitTimer);
      digitTimer = setTimeout(flushDigits, 900);
    } else if (k === "Enter") flushDigits();
    else if (k === "ArrowRight" || k === "ArrowDown" || k === "PageDown" || (k === " " && !e.shiftKey) || k === "n") show(index + 1);
    else if (k === "ArrowLeft" || k === "ArrowUp" || k === "PageUp" || (k === " " && e.shiftKey) || k === "p" || k === "Backspace") show(index - 1);
    else if (k === "Home") show(0);
    else if (k === "End") show(data.length - 1);
    else if (k === "d") body.dataset.theme = body.dataset.theme === "dark" ? "light" : "dark";
    else if (k === "t") { started = Date.now(); tick(); }
    else if (k === "v") { body.dataset.view = body.dataset.view === "projector" ? "facilitator" : "projector"; show(index, true); }
    else if (k === "f") {
      var url = location.href.replace(/#.*$/, "") + "#" + (body.dataset.view === "projector" ? "facilitator" : "projector") + "/" + (index + 1);
      peer = window.open(url, "replikit-" + (body.dataset.view === "projector" ? "facilitator" : "projector")) || peer;
    } else return;
    e.preventDefault();
  });

  window.addEventListener("message", function (e) {
    if (e.data && e.data.replikit === "show" && typeof e.data.index === "number") {
      if (!peer) peer = e.source;
      show(e.data.index, true);
    }
  });
  window.addEventListener("resize", scale);
  if (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches) body.dataset.theme = "dark";
  parseHash();
  scale();
  show(index, true);
  setInterval(tick, 1000);
})();
`;
