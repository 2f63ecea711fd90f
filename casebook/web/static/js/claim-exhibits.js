// The claim page's exhibit list: drag an exhibit to a new place and the new order is saved,
// as if "Save the order and descriptions" had been pressed. Without this script the move
// buttons do the same, one step at a time.
const list = document.getElementById("exhibits-list");
const form = list?.closest("form");
const save = form?.querySelector('button[name="action"][value="save"]');
let dragged = null;

if (list && save) {
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("[data-exhibit]");
    if (dragged === null) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
    dragged.classList.add("dragging");
  });
  list.addEventListener("dragover", (event) => {
    const over = event.target.closest?.("[data-exhibit]");
    if (dragged === null || over === null) return;
    event.preventDefault();
    if (over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", (event) => {
    if (dragged === null) return;
    event.preventDefault();
    form.requestSubmit(save);
  });
  list.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
  });
}
