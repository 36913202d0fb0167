--[[
Quarto filter (`at: pre-ast`, in each edition's `_quarto.yml` and the root one): a code cell
labelled `fig-…` that drew no figure (a chapter's `NoFigure`: "nothing to draw, and why") must
not become a numbered, captioned, empty figure, nor leave its caption under the text.

What Quarto writes for such a cell (src/core/jupyter/jupyter.ts, a single Markdown output):

  ::: {.cell no-figure="caption"}                       <- the cell, with its unknown metadata
  ::: {#fig-carte .cell-output .cell-output-display}    <- the output, labelled
  *Pas de carte : aucune valeur publiable.*             <- the text the chapter displayed
  Carte du THD                                           <- the fig-cap, as the last paragraph
  :::
  :::

The build marks such cells (`no-figure` in the cell metadata, analysis.render.quarto_notebooks):
`caption` when Quarto appended the caption, `bare` when there is none. Here the label goes, the
caption paragraph too, the text stays. Without the mark (the root project, whose notebooks Quarto
executes itself), a labelled output without image loses its label, and its last paragraph when it
has several (the caption Quarto appended). The built-in renderer does the same in
analysis.render.outputs.
]]

local function has_image(div)
  local found = false
  div:walk({ Image = function() found = true end })
  return found
end

local function is_figure_without_image(div)
  return div.identifier:match("^fig%-") ~= nil and not has_image(div)
end

local function unlabel(div, drop_caption)
  div.identifier = ""
  for _, key in ipairs({ "fig-cap", "fig-alt", "fig-scap", "fig-cap-location" }) do
    div.attributes[key] = nil
  end
  local last = div.content[#div.content]
  if drop_caption and last ~= nil and last.t == "Para" then
    div.content:remove(#div.content)
  end
  return div
end

-- A marked cell: its labelled outputs, with or without the caption Quarto appended.
local function marked_cell(cell, mark)
  cell.attributes["no-figure"] = nil
  cell.content = cell.content:walk({
    Div = function(div)
      if is_figure_without_image(div) then
        return unlabel(div, mark == "caption")
      end
    end,
  })
  return cell
end

local function no_figure(div)
  local mark = div.attributes["no-figure"]
  if mark ~= nil then
    return marked_cell(div, mark), false
  end
  if is_figure_without_image(div) then
    return unlabel(div, #div.content > 1)
  end
  return nil
end

-- Top down, so that a marked cell is seen before the outputs it holds.
function Pandoc(doc)
  return doc:walk({ traverse = "topdown", Div = no_figure })
end
