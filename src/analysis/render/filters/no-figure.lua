--[[
Quarto filter (`at: pre-ast`, in each edition's `_quarto.yml` and the root one): a code cell
labelled `fig-…` that drew no figure (a chapter's `NoFigure`: "nothing to draw, and why") must
not become a numbered, captioned, empty figure. Quarto turns such a cell into a Div carrying the
label and the caption; when that Div holds no image, its label and caption are dropped and its
text (the reason) is kept. The built-in renderer does the same in analysis.render.outputs.
]]

local function has_image(div)
  local found = false
  div:walk({ Image = function() found = true end })
  return found
end

function Div(div)
  if not div.identifier:match("^fig%-") or has_image(div) then
    return nil
  end
  div.identifier = ""
  for _, key in ipairs({ "fig-cap", "fig-alt", "fig-scap", "fig-cap-location" }) do
    div.attributes[key] = nil
  end
  return div
end
