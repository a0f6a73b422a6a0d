/**
 * Weight names a converter put a scope in front of (`model/dense_1/kernel` for `dense_1/kernel`),
 * found by their trailing '/'-separated segments. A trie over the segments read from the end makes
 * building and every lookup linear in the names' lengths, however many weights the manifest lists
 * (filtering all names for each layer was quadratic: 20,000 layers took minutes).
 */
interface TrieNode {
  children: Map<string, TrieNode>;
  /** Names in this subtree: how many, and the first few for messages. */
  count: number;
  examples: string[];
}

const EXAMPLES = 3;

export class ScopedNames {
  private readonly root: TrieNode = node();

  constructor(names: Iterable<string>) {
    for (const name of names) {
      let at = this.root;
      for (const segment of name.split('/').reverse()) {
        let next = at.children.get(segment);
        if (!next) {
          next = node();
          at.children.set(segment, next);
        }
        at = next;
        at.count++;
        if (at.examples.length < EXAMPLES) at.examples.push(name);
      }
    }
  }

  /**
   * Names that end in `/${suffix}` or equal it: their count and the first few. A name equal to the
   * suffix is counted too; callers look that one up exactly first.
   */
  endingIn(suffix: string): { count: number; examples: string[] } {
    let at: TrieNode | undefined = this.root;
    for (const segment of suffix.split('/').reverse()) {
      at = at.children.get(segment);
      if (!at) return { count: 0, examples: [] };
    }
    return { count: at.count, examples: at.examples };
  }
}

function node(): TrieNode {
  return { children: new Map(), count: 0, examples: [] };
}
