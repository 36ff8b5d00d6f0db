/*
 * wkb - spatial values: MySQL's internal geometry format, OGC WKB and
 * PostGIS's EWKB, read strictly and written in ferry's one canonical form.
 *
 * Canonical form (what a spatial column carries in the stream): EWKB with
 * every byte-order byte 1 (little-endian); the outermost type is the base
 * type (1 Point ... 7 GeometryCollection) | WKB_FLAG_Z | WKB_FLAG_M as
 * the geometry has them | WKB_FLAG_SRID when the SRID is not 0, with the
 * SRID (uint32, little-endian) right after it; every nested type is the
 * base type | the same Z and M flags.  Coordinates are copied bit for bit,
 * only put in little-endian order: NaN payloads (ISO's POINT EMPTY) and
 * -0.0 stay as they were.  Two inputs that describe the same geometry with
 * the same SRID give the same bytes, and the canonical form of a canonical
 * value is itself.
 *
 * What is read: the byte-order byte (0 big-endian, 1 little-endian) of
 * each geometry, its own; the types 1 to 7 with EWKB flags or ISO codes
 * (1000+ Z, 2000+ M, 3000+ ZM), not both on one type; an SRID on the
 * outermost geometry only; nested geometries of the outermost's Z and M;
 * Multi* members of the matching single type; at most WKB_MAX_DEPTH
 * levels of nested collections.  Only the structure is checked (not that
 * rings close, nor how many points a ring has: the server's business).
 * Every count is checked against the bytes left before it is looped over,
 * so hostile input costs time and memory in proportion to its length.
 * Bytes after the geometry, and an empty value, are errors.
 *
 * Every function appends to `out` and returns 0, or returns -1 with `e`
 * set (ERR_STREAM for malformed input, "geometry: ..." naming what is
 * wrong; what buf_reserve sets when `out` cannot grow) and `out` as it
 * was: nothing is appended on error.  No memory is allocated but out's,
 * which grows once, by at most n bytes (n + 4 for wkb_to_mysql).  The
 * input may lie in out's own bytes (before out->len): it is found again
 * if out moves.
 */
#ifndef FERRY_WKB_H
#define FERRY_WKB_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* The flags of an EWKB type (PostGIS's liblwgeom names them alike). */
#define WKB_FLAG_Z 0x80000000u
#define WKB_FLAG_M 0x40000000u
#define WKB_FLAG_SRID 0x20000000u

/* How deep collections may nest: a GeometryCollection or Multi* is one
 * level, the geometries inside it the next. */
#define WKB_MAX_DEPTH 32

/*
 * 1 if a column's source type, as the server spells it, is a spatial type
 * whose values travel as EWKB: MySQL's geometry, point, linestring,
 * polygon, multipoint, multilinestring, multipolygon, geometrycollection
 * and geomcollection (in any case, the word alone), or PostGIS's
 * "geometry" alone or "geometry(...)" (a typmod such as Point,4326).  0
 * for anything else, NULL included ("geography" is not geometry).
 */
int wkb_is_spatial_type(const char *source_type);

/*
 * MySQL's internal format (a 4-byte little-endian SRID, then a WKB
 * without EWKB flags nor ISO Z/M codes: MySQL's geometries are 2D) to
 * the canonical EWKB, appended to out.
 */
int wkb_from_mysql(const unsigned char *p, size_t n, struct buf *out,
		   struct err *e);

/*
 * Any WKB or EWKB (either byte order, EWKB flags or ISO codes) to the
 * canonical EWKB, appended to out.  *srid_out, when srid_out is not NULL,
 * is set to the SRID (0 when there is none) on success.
 */
int wkb_normalize(const unsigned char *p, size_t n, struct buf *out,
		  uint32_t *srid_out, struct err *e);

/*
 * Any WKB or EWKB (canonical or not) to MySQL's internal format: the SRID
 * (0 when there is none) as 4 little-endian bytes, then a little-endian
 * WKB of plain types 1 to 7, appended to out.  A geometry with Z or M
 * coordinates is an error (MySQL holds 2D geometries only).
 */
int wkb_to_mysql(const unsigned char *p, size_t n, struct buf *out,
		 struct err *e);

/*
 * The name PostGIS gives the outermost type of a WKB or EWKB ("Point",
 * "LineString", "Polygon", "MultiPoint", "MultiLineString",
 * "MultiPolygon", "GeometryCollection"; without a Z or M suffix), or NULL
 * when the value is not one that wkb_normalize takes.
 */
const char *wkb_type_name(const unsigned char *p, size_t n);

#endif
