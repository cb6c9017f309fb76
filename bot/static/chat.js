// Ona web chat: one WebSocket, a visitor id kept in localStorage, and nothing else.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const phoneForm = document.getElementById("phone-form");
  const phoneInput = document.getElementById("phone");
  const phoneSend = document.getElementById("phone-send");
  const status = document.getElementById("status");
  const KEY = "ona.visitor";

  function newId() {
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  let visitor = localStorage.getItem(KEY);
  const firstVisit = !visitor;
  if (!visitor) {
    visitor = newId();
    localStorage.setItem(KEY, visitor);
  }
  const startCode = new URLSearchParams(location.search).get("start");
  let socket = null;
  let started = false;
  let counter = 0;

  function add(text, mine) {
    const item = document.createElement("li");
    item.className = mine ? "msg msg--mine" : "msg";
    item.textContent = text;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function send(frame) {
    frame.id = Date.now().toString(36) + "-" + (counter++);
    socket.send(JSON.stringify(frame));
  }

  function render(message) {
    const item = add(message.text, false);
    if (message.buttons && message.buttons.length) {
      const box = document.createElement("div");
      box.className = "msg__buttons";
      message.buttons.flat().forEach((button) => {
        if (button.url) {
          const link = document.createElement("a");
          link.href = button.url;
          link.textContent = button.text;
          link.target = "_blank";
          link.rel = "noopener";
          box.appendChild(link);
          return;
        }
        const node = document.createElement("button");
        node.type = "button";
        node.textContent = button.text;
        node.addEventListener("click", () => {
          add(button.text, true);
          send({ type: "button", data: button.data });
        });
        box.appendChild(node);
      });
      item.appendChild(box);
    }
    if (message.request_phone) {
      phoneSend.textContent = message.request_phone;
      phoneForm.hidden = false;
      phoneInput.focus();
    } else if (message.remove_keyboard) {
      phoneForm.hidden = true;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/chat/ws?visitor=" + visitor);
    socket.addEventListener("open", () => { status.hidden = true; });
    socket.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "message") {
        render(frame);
      } else if (frame.type === "ready" && !started) {
        started = true;
        if (startCode) send({ type: "text", text: "/start " + startCode });
        else if (firstVisit || !log.children.length) send({ type: "text", text: "/start" });
      }
    });
    socket.addEventListener("close", () => {
      status.hidden = false;
      setTimeout(connect, 2000);
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    add(text, true);
    send({ type: "text", text: text });
    input.value = "";
  });

  phoneForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const phone = phoneInput.value.trim();
    if (!phone) return;
    add(phone, true);
    send({ type: "phone", phone: phone });
    phoneInput.value = "";
    phoneForm.hidden = true;
  });

  connect();
})();
