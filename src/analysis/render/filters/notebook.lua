--[[
Book renderer filter: runs on the pandoc Markdown that analysis.render.notebook produces from
executed notebooks, for both the HTML and the Typst writers.

1. `text/html` outputs arrive as ```{=html} raw blocks inside `::: {.cell-output-html}` divs:
   they are parsed with pandoc's HTML reader (raw HTML off, so no <style>/<script>/iframe
   survives), which turns pandas' `to_html` tables into real tables in every format.
   pandas puts the index name on a second header row: it is merged into the first one.
   Numeric columns are right-aligned.
2. `::: {#tbl-x .cell-table tbl-cap="…"}` divs give their caption and identifier to the first
   table they hold (Typst: a `figure(kind: table)` labelled <tbl-x>; HTML: <table id>).
3. Images carrying a `fig-alt` attribute get it as alternative text: the HTML `alt`, and in
   Typst an `image(…, alt: …)` written here (pandoc's typst writer drops the alt text); an
   image without any is decorative: an artifact in the PDF (PDF/UA-1 refuses an image without
   alt text that is not one).
4. Quarto callouts (`::: {.callout-note}` …) get a French title; in Typst they are wrapped
   in the template's `callout()` function.
5. HTML: every table sits in a `.table-scroll` box, so that a wide table scrolls inside it
   instead of widening the page on a phone.
6. Before all that, Quarto's conditional blocks (`.content-visible` / `.content-hidden` with
   `when-format` or `unless-format`: « html », « typst » or « pdf ») are kept or dropped for the
   format, as Quarto does (the data table of each chart is for the HTML only).

Notebook outputs given as Markdown (`text/markdown`: a pipe table followed by its source line,
a `::: {.callout-warning title="…"}` div) go through the same passes as those given as HTML.
]]

local stringify = pandoc.utils.stringify

local CALLOUT_TITLES = {
  note = "Note", tip = "Astuce", warning = "Avertissement",
  important = "Important", caution = "Attention",
}

local function is_typst()
  return FORMAT:match("typst") ~= nil
end

-- "12", "98,5 %", "-3.2", "1 234", "n.c.", "s.", "" count as numeric-compatible cells.
local function cell_kind(text)
  local t = text:gsub("\u{00A0}", ""):gsub("\u{202F}", ""):gsub("%s", ""):gsub("^−", "-")
  if t == "" or t == "n.c." or t == "s." or t == "–" or t == "-" or t == "nan"
      or t == "NaN" or t == "<NA>" then
    return "blank"
  end
  if t:match("^[%+%-]?[%d%.,]+%%?$") and t:match("%d") then
    return "number"
  end
  return "text"
end

local function tidy_table(tbl)
  -- 1. pandas index name row
  local rows = tbl.head.rows
  if #rows == 2 then
    local first, second = rows[1].cells, rows[2].cells
    if #first == #second and #first > 0 and stringify(first[1].contents) == ""
        and stringify(second[1].contents) ~= "" then
      local rest_empty = true
      for i = 2, #second do
        if stringify(second[i].contents) ~= "" then rest_empty = false end
      end
      if rest_empty then
        first[1].contents = second[1].contents
        tbl.head.rows = { rows[1] }
      end
    end
  end
  -- 2. right-align numeric columns, left-align the others (only for tables without spanning cells)
  local ncol = #tbl.colspecs
  local kinds = {}
  for j = 1, ncol do kinds[j] = "blank" end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      if #row.cells ~= ncol then return tbl end
      for j, cell in ipairs(row.cells) do
        if cell.col_span ~= 1 then return tbl end
        local k = cell_kind(stringify(cell.contents))
        if k == "text" then
          kinds[j] = "text"
        elseif k == "number" and kinds[j] == "blank" then
          kinds[j] = "number"
        end
      end
    end
  end
  for j = 1, ncol do
    local align = kinds[j] == "number" and pandoc.AlignRight or pandoc.AlignLeft
    tbl.colspecs[j] = { align, tbl.colspecs[j][2] }
  end
  return tbl
end

local function read_html(text)
  local ok, doc = pcall(pandoc.read, text, "html-raw_html")
  if not ok then
    io.stderr:write("[notebook.lua] unreadable HTML output, left out: " .. tostring(doc) .. "\n")
    return {}
  end
  -- Unwrap the attribute-less <div> wrappers pandas/IPython put around tables.
  local blocks = doc.blocks:walk({
    Div = function(div)
      if div.identifier == "" and #div.classes == 0 and #div.attributes == 0 then
        return div.content
      end
    end,
    Table = tidy_table,
  })
  return blocks
end

-- Pass 6, run first: Quarto's conditional content (`::: {.content-visible when-format="html"}`, the data of a
-- chart), kept or dropped for this format as Quarto does.
local function format_is(name)
  if name == "html" then return not is_typst() end
  return is_typst() and (name == "typst" or name == "pdf")
end

local conditional = {
  Div = function(div)
    local visible = div.classes:includes("content-visible")
    if not visible and not div.classes:includes("content-hidden") then return nil end
    local when, unless = div.attributes["when-format"], div.attributes["unless-format"]
    local matches = (when == nil or format_is(when)) and (unless == nil or not format_is(unless))
    if visible == matches then return div.content end
    return {}
  end,
}

-- Pass 1: HTML outputs -> pandoc blocks.
local html_outputs = {
  Div = function(div)
    if not div.classes:includes("cell-output-html") then return nil end
    local out = pandoc.Blocks({})
    for _, block in ipairs(div.content) do
      if block.t == "RawBlock" and block.format == "html" then
        out:extend(read_html(block.text))
      else
        out:insert(block)
      end
    end
    return out
  end,
}

-- Pass 2: table captions, alt text, callouts.
local function caption_inlines(text)
  local blocks = pandoc.read(text, "markdown-citations").blocks
  if #blocks == 0 then return pandoc.Inlines({}) end
  return blocks[1].content
end

local function table_caption(div)
  local cap = div.attributes["tbl-cap"]
  local ident = div.identifier
  local done = false
  local content = div.content:walk({
    Table = function(tbl)
      if done then return nil end
      done = true
      tbl.caption = { long = { pandoc.Plain(caption_inlines(cap)) } }
      tbl.identifier = ident
      return tbl
    end,
  })
  if not done then
    -- A captioned cell without a table (e.g. a text output): keep the caption as a title.
    if is_typst() then
      -- Keep the caption on the same page as what follows (sticky block).
      content:insert(1, pandoc.RawBlock("typst", "#block(sticky: true)["))
      content:insert(2, pandoc.Para(caption_inlines(cap)))
      content:insert(3, pandoc.RawBlock("typst", "]" .. (ident ~= "" and (" <" .. ident .. ">") or "")))
    else
      content:insert(1, pandoc.Div({ pandoc.Para(caption_inlines(cap)) },
        pandoc.Attr(ident, { "table-caption" })))
    end
  end
  return content
end

local function callout(div)
  local kind
  for _, cls in ipairs(div.classes) do
    local k = cls:match("^callout%-(%a+)$")
    if k then kind = k end
  end
  if not kind then return nil end
  local content = div.content
  local title
  if div.attributes["title"] then
    title = caption_inlines(div.attributes["title"])
  elseif #content > 0 and content[1].t == "Header" then
    title = content[1].content
    content = pandoc.Blocks({ table.unpack(content, 2) })
  else
    title = pandoc.Inlines({ pandoc.Str(CALLOUT_TITLES[kind] or "Note") })
  end
  if is_typst() then
    local out = pandoc.Blocks({
      pandoc.RawBlock("typst", '#callout(kind: "' .. kind .. '")['),
      pandoc.Para({ pandoc.Strong(title) }),
    })
    out:extend(content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
  local body = pandoc.Blocks({ pandoc.Div({ pandoc.Plain({ pandoc.Strong(title) }) },
    pandoc.Attr("", { "callout-title" })) })
  body:extend(content)
  return pandoc.Div(body, pandoc.Attr(div.identifier, { "callout", "callout-" .. kind }))
end

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function typst_image(img, alt)
  local args = { typst_string(img.src) }
  for _, key in ipairs({ "width", "height" }) do
    local value = img.attributes[key]
    if value and value:match("^[%d%.]+%%?$") then
      table.insert(args, key .. ": " .. value)
    elseif value and value:match("^[%d%.]+%a+$") then
      table.insert(args, key .. ": " .. value)
    end
  end
  if alt and alt ~= "" then
    table.insert(args, "alt: " .. typst_string(alt))
    return pandoc.RawInline("typst", "#image(" .. table.concat(args, ", ") .. ")")
  end
  -- No alt text: a decorative image (HTML alt=""), an artifact for PDF/UA readers.
  return pandoc.RawInline("typst", "#pdf.artifact(image(" .. table.concat(args, ", ") .. "))")
end

local decorations = {
  Div = function(div)
    if div.attributes["tbl-cap"] then
      return table_caption(div)
    end
    return callout(div)
  end,
  Image = function(img)
    local alt = img.attributes["fig-alt"]
    if alt then
      img.caption = pandoc.Inlines({ pandoc.Str(alt) })
      img.attributes["fig-alt"] = nil
    end
    if is_typst() then
      return typst_image(img, alt or stringify(img.caption))
    end
    return img
  end,
}

-- Pass 3 (HTML): wide tables scroll in their own box.
local scroll_boxes = {
  Table = function(tbl)
    if is_typst() then return nil end
    return pandoc.Div({ tbl }, pandoc.Attr("", { "table-scroll" }, { { "role", "region" },
      { "tabindex", "0" }, { "aria-label", stringify(tbl.caption.long) ~= "" and stringify(tbl.caption.long)
        or "Tableau" } }))
  end,
}

return { conditional, html_outputs, decorations, scroll_boxes }
