// The header's menu is a <details>: it opens and closes with its button alone, with or
// without this script. With it, the menu closes as menus do: on Escape (the focus back on
// its button), and when the focus or a click goes elsewhere, so it never covers the page
// the person has moved on to.
document.querySelectorAll("details.menu").forEach((menu) => {
  const button = menu.querySelector("summary");
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      button.focus();
    }
  });
  menu.addEventListener("focusout", (event) => {
    if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
      menu.open = false;
    }
  });
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) {
      menu.open = false;
    }
  });
});
