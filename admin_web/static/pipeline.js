// Dragging a card onto a column submits the card's own move form with that column's stage.
// Columns a card may not move to do not accept the drop; the server checks again anyway.
(function () {
  "use strict";
  var dragged = null;
  document.querySelectorAll(".board .card-item").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.setData("text/plain", card.id);
    });
    card.addEventListener("dragend", function () { dragged = null; });
  });
  function allowed(column) {
    if (!dragged) { return false; }
    var moves = (dragged.dataset.moves || "").split(" ");
    return moves.indexOf(column.dataset.state) !== -1;
  }
  document.querySelectorAll(".board .column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (allowed(column)) {
        event.preventDefault();
        column.classList.add("drop-ok");
      }
    });
    column.addEventListener("dragleave", function () { column.classList.remove("drop-ok"); });
    column.addEventListener("drop", function (event) {
      column.classList.remove("drop-ok");
      if (!allowed(column)) { return; }
      event.preventDefault();
      var form = dragged.querySelector("form");
      form.querySelector("select[name=state]").value = column.dataset.state;
      form.submit();
    });
  });
})();
