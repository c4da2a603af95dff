--- Gauge readings.
local Reading = {}
Reading.__index = Reading

--- A reading in psi.
function Reading.to_psi(r)
  return r.bars * 14.5
end

function Reading:to_psi_rounded()
  -- to_psi, rounded
  return math.floor(Reading.to_psi(self) + 0.5)
end

local function to_psi_all(readings)
  local out = {}
  for i, r in ipairs(readings) do
    out[i] = Reading.to_psi(r)
  end
  local label = "to_psi"
  return out, label
end

MAX_BARS = 300

return { Reading = Reading, to_psi_all = to_psi_all }
