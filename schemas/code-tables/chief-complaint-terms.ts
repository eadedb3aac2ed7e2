/**
 * Chief-complaint vocabulary: which words mean which clinical concept, in Vietnamese and
 * English. Concepts are combined into syndromes by chief-complaint-rules.ts (the ESSENCE
 * design: free text → concepts → syndrome rules).
 *
 * How terms match (so reviewers can predict it):
 * - Case is ignored; matching is on whole words, so "sot" never matches inside "sotalol".
 * - Text typed WITHOUT diacritics matches by letters only: "sot" = "sốt", "tieu chay" =
 *   "tiêu chảy", "d" = "đ".
 * - Text typed WITH diacritics must carry the same marks (the tone may sit on either vowel,
 *   "hoà" = "hòa"): "sót" (left behind) and "sỏi" (stone) do not match "sốt" / "sởi".
 * - Where several terms start at the same word, the longest wins and its words are used up:
 *   "sốt xuất huyết" is dengue, not also "sốt".
 * - Terms never span punctuation, except those marked `crossesCommas`.
 */

/** A term: the text, or the text with matching options. */
export type ComplaintTerm =
  | string
  | {
      readonly text: string;
      /** Unaccented text does not match: the bare letters are another common word. */
      readonly accentedOnly?: true;
      /** The term may span commas, as in "hand, foot and mouth". */
      readonly crossesCommas?: true;
      readonly note?: string;
    };

/** One concept: a label for reviewers and the terms that mean it. */
export interface ComplaintConcept {
  readonly label: string;
  readonly terms: readonly ComplaintTerm[];
}

// The concepts and their terms are data: `complaint.concepts` of
// schemas/code-tables/definitions/vN.json (definitions.ts), keyed by concept id.

/** Identifier of a chief-complaint concept (a key of `complaint.concepts`). */
export type ComplaintConceptId = string;

/**
 * Words that change what follows or precedes them. A concept is discarded when it starts
 * within `preScopeWords` words after a pre-cue, or ends within `postScopeWords` words before
 * a post-cue; a scope ends early at any punctuation or at a scope terminator.
 */
export interface ComplaintCues {
  /** "không sốt", "no fever": the concept is absent. */
  readonly negationPre: readonly ComplaintTerm[];
  /** "tiền sử sốt xuất huyết", "tiếp xúc người bị sởi": about the past or someone else. */
  readonly contextPre: readonly ComplaintTerm[];
  /** "cúm âm tính", "fever resolved". */
  readonly negationPost: readonly ComplaintTerm[];
  /** Either side: "đã hết sốt" and "sốt đã hết" (fever gone). */
  readonly negationBoth: readonly ComplaintTerm[];
  /** Look like a cue but are not: "sốt không hạ" (fever not going down). */
  readonly pseudoNegation: readonly ComplaintTerm[];
  /** Conjunctions that end a negation scope: "không sốt và ho" → cough counts. */
  readonly scopeTerminators: readonly ComplaintTerm[];
  /** Phrases that contain a term's words but mean something else: "sót rau" (retained placenta). */
  readonly ignore: readonly ComplaintTerm[];
  readonly preScopeWords: number;
  readonly postScopeWords: number;
}

// The cues themselves are data: `complaint.cues` of schemas/code-tables/definitions/vN.json.
