package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One element of a version 2 manifest's {@code listing}: a piece of the snapshot's records, in path
 * order. See docs/format.md, "Snapshot manifests", "Version 2".
 *
 * @param piece the piece's id: the lower-case hex SHA-256 of its JSON text, which names its object
 *     ({@link ListingPiece#keyOf})
 * @param first the path of its first record
 * @param records how many records it holds
 */
@JsonPropertyOrder({"piece", "first", "records"})
public record ListedPiece(String piece, String first, int records) {
}
