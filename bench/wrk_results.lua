-- Residents typing searches: cycle through resident-style queries, asking for the htmx results fragment.
local queries = {
  "I+can%27t+pay+my+rent", "food+bank", "someone+to+talk+to", "blood+pressure+check", "help+for+carers",
  "youth+clinic", "debt+advice", "autism", "nie+mog%C4%99+zap%C5%82aci%C4%87+czynszu", "ayuda+con+las+facturas",
  "caawimaad+lacag", "aide+emploi", "family+hub", "art+class", "housing+advice", "lonely",
  "benefits+check", "job+club", "community+hub", "counselling"
}
local i = 0
wrk.headers["HX-Request"] = "true"
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]
  return wrk.format("GET", "/search?q=" .. q .. "&postcode=SE6+4RU")
end
