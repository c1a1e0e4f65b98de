import { signIn } from "./api.js";
import { h } from "./dom.js";

export function renderSignIn(main, done) {
  const error = h("p", { class: "error", role: "alert", id: "signin-error" });
  const key = h("input", {
    id: "api-key", type: "password", autocomplete: "off", required: true,
    "aria-describedby": "signin-help signin-error",
  });
  const form = h("form", { class: "signin card", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in to Sheaf"),
    h("label", { for: "api-key" }, "API key"),
    key,
    h("p", { id: "signin-help", class: "muted" },
      "The key is exchanged for a session cookie; it is not stored in the browser. ",
      "Make one with: sheaf keys create TENANT"),
    error,
    h("button", { type: "submit", class: "primary" }, "Sign in"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    try {
      await signIn(key.value.trim());
      key.value = "";
      done();
    } catch (err) {
      error.textContent = err.message;
      key.focus();
    }
  });
  main.replaceChildren(form);
  key.focus();
}
