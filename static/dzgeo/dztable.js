/* dztable: the 重点项目 table, drawn in the app page — the module of the app's table
 * component (st.components.v2; its data is dzgeo.web.table.table_data: every project's
 * row once, column-wise and zlib-packed, in the order of the map's mask bits).
 *
 * The table shows the rows the map's project layer shows: dzmap.js announces each mask
 * it applies (the server's with a view update, dzpicks.js's own at a pick) as the
 * window event "dz:mask" and keeps the latest in dzmap.maskBits (null: all). Only the
 * rows in sight are in the document (50,000 projects scroll as smoothly as 50); a click
 * on a column head sorts by it, a click (or Enter) on a row flies the map to that
 * project and opens its popup. Every text goes in as text, never as markup.
 */

const ROW_PX = 30; // a row's height (dzapp.css .dz-table td)
const SPARE_ROWS = 15; // rows drawn beyond the visible ones on either side
const MAX_BOX_PX = 456; // the box's height for many rows (15 rows and the head)

async function unpack(packed) {
  const dz = window.dzmap || {};
  if (!window.DecompressionStream && dz.unpack) return dz.unpack({ packed }); // fflate
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return JSON.parse(await new Response(stream).text());
}

function cellText(table, col, row) {
  const value = table.cols[col][row];
  if (table.num[col]) {
    return value == null ? "" : value.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }
  return table.vals[col][value];
}

/** The rows to show: those whose bit is set (all without bits), sorted by ``sort``. */
function shownRows(table, bits, sort) {
  const rows = [];
  for (let r = 0; r < table.n; r++) {
    if (!bits || bits[r >> 3] & (1 << (r & 7))) rows.push(r);
  }
  if (sort) {
    const { col, down } = sort;
    const values = table.cols[col];
    const texts = table.vals[col];
    const key = table.num[col]
      ? (r) => (values[r] == null ? -Infinity : values[r])
      : (r) => texts[values[r]];
    const collator = new Intl.Collator("zh-CN", { numeric: true });
    rows.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const order = table.num[col] ? (ka < kb ? -1 : ka > kb ? 1 : 0) : collator.compare(ka, kb);
      return (down ? -order : order) || a - b;
    });
  }
  return rows;
}

function focusProject(id) {
  const dz = window.dzmap || {};
  const layer = dz.lastProjects || dz.lastProjectsMade;
  if (!layer || !layer.focus(id)) return;
  const box = document.querySelector(".dz-map-box");
  if (box) box.scrollIntoView({ block: "center", behavior: "smooth" });
}

class Table {
  constructor(parent) {
    this.box = document.createElement("div");
    this.box.className = "dz-table";
    this.note = document.createElement("p");
    this.note.className = "dz-table-note";
    this.scroller = document.createElement("div");
    this.scroller.className = "dz-table-box";
    this.scroller.tabIndex = -1;
    this.el = document.createElement("table");
    this.head = document.createElement("thead");
    this.body = document.createElement("tbody");
    this.el.append(this.head, this.body);
    this.scroller.appendChild(this.el);
    this.box.append(this.note, this.scroller);
    parent.appendChild(this.box);
    this.sort = null;
    this.rows = [];
    this.scroller.addEventListener("scroll", () => this.schedule());
    this.body.addEventListener("click", (e) => this.picked(e.target.closest("tr[data-row]")));
    this.body.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.picked(e.target.closest("tr[data-row]"));
    });
    window.addEventListener("dz:mask", () => this.refresh());
  }

  load(table, key) {
    this.table = table;
    this.key = key;
    this.idCol = Math.max(0, table.head.indexOf("编号"));
    this.head.replaceChildren(this.headRow());
    this.refresh();
  }

  headRow() {
    const tr = document.createElement("tr");
    this.table.head.forEach((name, col) => {
      const th = document.createElement("th");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = name;
      button.title = "按" + name + "排序";
      button.addEventListener("click", () => this.sortBy(col));
      th.appendChild(button);
      if (this.table.num[col]) th.className = "dz-num";
      tr.appendChild(th);
    });
    return tr;
  }

  sortBy(col) {
    const again = this.sort && this.sort.col === col;
    this.sort = again && this.sort.down ? null : { col, down: again };
    Array.prototype.forEach.call(this.head.querySelectorAll("th"), (th, k) => {
      const sorted = this.sort && this.sort.col === k;
      th.setAttribute("aria-sort", sorted ? (this.sort.down ? "descending" : "ascending") : "none");
    });
    this.refresh();
  }

  refresh() {
    if (!this.table) return;
    const dz = window.dzmap || {};
    this.rows = shownRows(this.table, dz.maskBits || null, this.sort);
    const n = this.rows.length;
    this.box.hidden = n === 0; // the app says so above (没有符合条件的项目)
    this.box.dataset.dzRows = String(n);
    this.note.textContent = `共 ${n} 个项目；点击一行，地图飞到该项目并打开其弹窗；点击表头排序`;
    this.scroller.style.height = Math.min(MAX_BOX_PX, ROW_PX * (n + 1) + 4) + "px";
    this.drawn = null;
    this.draw();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  draw() {
    const n = this.rows.length;
    const top = this.scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_PX) - SPARE_ROWS);
    const last = Math.min(n, Math.ceil((top + MAX_BOX_PX) / ROW_PX) + SPARE_ROWS);
    if (this.drawn && this.drawn[0] === first && this.drawn[1] === last) return;
    this.drawn = [first, last];
    const cols = this.table.head.length;
    const out = [this.spacer(first, cols)];
    for (let k = first; k < last; k++) {
      const row = this.rows[k];
      const tr = document.createElement("tr");
      tr.dataset.row = String(row);
      tr.tabIndex = 0;
      for (let col = 0; col < cols; col++) {
        const td = document.createElement("td");
        const text = cellText(this.table, col, row);
        td.textContent = text;
        td.title = text;
        if (this.table.num[col]) td.className = "dz-num";
        tr.appendChild(td);
      }
      out.push(tr);
    }
    out.push(this.spacer(n - last, cols));
    this.body.replaceChildren(...out);
  }

  spacer(rows, cols) {
    const tr = document.createElement("tr");
    tr.className = "dz-spacer";
    tr.style.height = rows * ROW_PX + "px";
    if (rows) {
      const td = document.createElement("td");
      td.colSpan = cols;
      tr.appendChild(td);
    }
    return tr;
  }

  picked(tr) {
    if (!tr) return;
    focusProject(this.table.vals[this.idCol][this.table.cols[this.idCol][Number(tr.dataset.row)]]);
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let table = parentElement._dzTable;
  if (!table) table = parentElement._dzTable = new Table(parentElement);
  if (table.key === data.key || table.loading === data.key) return;
  table.loading = data.key;
  unpack(data.packed)
    .then((body) => {
      if (table.loading !== data.key) return; // a newer table was asked for meanwhile
      table.load({ ...body, n: data.n }, data.key);
    })
    .catch((error) => {
      table.note.textContent = "项目表格无法读取：" + String(error.message || error);
    });
}
