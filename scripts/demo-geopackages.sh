#!/usr/bin/env bash
# Rebuilds the demo projects' GeoPackages from their GeoJSON sources (needs GDAL's ogr2ogr, Debian
# package gdal-bin). The .gpkg files are committed so that the demo needs no GDAL at run time.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../src/server/admin/demo-layers" && pwd)"
build() {
  local out="$dir/$1.gpkg"
  shift
  rm -f "$out"
  for layer in "$@"; do
    # a layer mixing polygons and multipolygons becomes one MultiPolygon layer; others keep their type
    local promote=()
    grep -q '"MultiPolygon"' "$dir/$layer.geojson" && promote=(-nlt PROMOTE_TO_MULTI)
    local update=()
    [[ -f $out ]] && update=(-update)
    ogr2ogr -f GPKG "${update[@]}" -nln "$layer" "${promote[@]}" "$out" "$dir/$layer.geojson"
  done
  sqlite3 "$out" VACUUM 2>/dev/null || true
  echo "$out: $(ogrinfo -q "$out" | tr '\n' ' ')"
}
build water water-stations water-rivers water-catchments
build air air-sensors air-communes
