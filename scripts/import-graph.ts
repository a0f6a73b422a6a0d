/**
 * The project's TypeScript import graph and its cycles, at file level and at folder level, so the
 * layering (data below nn below train, the compiler below firmware-sim, the CLI on top) can be checked
 * rather than remembered. Every `import`, `import type`, `export ... from` and literal `import('...')`
 * counts: a type-only import still couples two modules' meanings. Only relative specifiers are
 * followed; packages and `node:` modules are outside the graph.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** The folders whose sources make up the graph, relative to the project root. */
export const SOURCE_ROOTS = ['compiler', 'firmware-sim', 'bench', 'scripts'] as const;

/** One import edge: `from` imports `to`, both project-relative POSIX paths of .ts files. */
export interface ImportEdge {
  from: string;
  to: string;
}

/**
 * A strongly connected set of nodes (size >= 2): every node in it reaches every other, so breaking
 * the cycles means removing edges inside it.
 */
export interface ImportCycle {
  /** Every node in the strongly connected component, sorted. */
  members: string[];
  /**
   * For every edge inside the component, the shortest cycle through it (first node repeated at the
   * end: [a, b, a]), without duplicates, shortest first: each is one concrete loop to break.
   */
  paths: string[][];
  /** Every edge inside the component, each with the file imports that make it (for folders). */
  edges: { from: string; to: string; witnesses: ImportEdge[] }[];
}

/** The relative module specifiers a source file imports or re-exports, in source order. */
export function importSpecifiers(fileName: string, sourceText: string): string[] {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Resolves a relative specifier (NodeNext style: `./x.js` names `./x.ts`) against the importing file. */
export function resolveSpecifier(fromFile: string, specifier: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
  return joined.replace(/\.js$/, '.ts');
}

function listSources(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      // An op's tests sit in its folder but, like test/, above the layers: they may import anything.
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
    }
  };
  walk(folder);
  return out;
}

/** Reads every source under SOURCE_ROOTS and returns its files and the import edges between them. */
export function readImportGraph(root: string): { files: string[]; edges: ImportEdge[] } {
  const files = SOURCE_ROOTS.flatMap((folder) => listSources(root, folder));
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, ...file.split('/')), 'utf8');
    for (const specifier of importSpecifiers(file, text)) {
      const to = resolveSpecifier(file, specifier);
      if (known.has(to) && to !== file) edges.push({ from: file, to });
    }
  }
  return { files, edges: dedupeEdges(edges) };
}

function dedupeEdges(edges: ImportEdge[]): ImportEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.from}\0${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The folder a file belongs to for the folder-level graph: `compiler/<area>` for files in an area
 * (compiler/emit/c/x.ts -> compiler/emit), the file itself for the modules directly in compiler/
 * (errors.ts sits below everything, api.ts above it, so one "compiler" node would be a false cycle),
 * and the top folder otherwise (firmware-sim, bench, scripts).
 */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'compiler') return parts.length > 2 ? `compiler/${parts[1]}` : file;
  return parts[0];
}

/** The folder-level graph: one edge per pair of distinct folders, with the file imports behind it. */
export function folderEdges(edges: ImportEdge[]): ImportEdge[] {
  return dedupeEdges(edges.map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) })).filter((e) => e.from !== e.to));
}

/** Strongly connected components of size >= 2 (Tarjan), each with a shortest cycle and its edges. */
export function findCycles(edges: ImportEdge[], witnessesOf: (edge: ImportEdge) => ImportEdge[] = (e) => [e]): ImportCycle[] {
  const adjacency = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!adjacency.has(from)) adjacency.set(from, []);
    if (!adjacency.has(to)) adjacency.set(to, []);
    adjacency.get(from)!.push(to);
  }
  const nodes = [...adjacency.keys()].sort();
  for (const list of adjacency.values()) list.sort();

  // Iterative Tarjan: the graph is small, but recursion depth should not depend on the input.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const successors = adjacency.get(frame.node)!;
      if (frame.next < successors.length) {
        const next = successors[frame.next++];
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) components.push(component.sort());
      }
    }
  }

  return components
    .map((members) => {
      const inside = new Set(members);
      const componentEdges = edges.filter((e) => inside.has(e.from) && inside.has(e.to));
      const successors = (n: string): string[] => adjacency.get(n)!.filter((m) => inside.has(m));
      const paths = new Map<string, string[]>();
      for (const edge of componentEdges) {
        const back = shortestPath(edge.to, edge.from, successors);
        const cycle = rotateToSmallest([edge.from, ...back.slice(0, -1)]);
        paths.set(cycle.join('\0'), [...cycle, cycle[0]]);
      }
      return {
        members,
        paths: [...paths.values()].sort((a, b) => a.length - b.length || (a.join() < b.join() ? -1 : 1)),
        edges: componentEdges.map((e) => ({ ...e, witnesses: witnessesOf(e) })),
      };
    })
    .sort((a, b) => (a.members[0] < b.members[0] ? -1 : 1));
}

/** Breadth-first: the shortest path from `start` to `goal` (both included); they are in one component. */
function shortestPath(start: string, goal: string, successors: (node: string) => string[]): string[] {
  const previous = new Map<string, string>([[start, start]]);
  const queue = [start];
  for (let head = 0; head < queue.length && !previous.has(goal); head++) {
    for (const next of successors(queue[head])) {
      if (previous.has(next)) continue;
      previous.set(next, queue[head]);
      queue.push(next);
    }
  }
  const path = [goal];
  for (let at = goal; at !== start; at = previous.get(at)!) path.push(previous.get(at)!);
  return path.reverse();
}

/** The same cycle starting at its smallest node, so rotations of one loop compare equal. */
function rotateToSmallest(cycle: string[]): string[] {
  let first = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[first]) first = i;
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}

/** File-level and folder-level cycles of the project at `root`. */
export function importCycles(root: string): { files: number; edges: number; fileCycles: ImportCycle[]; folderCycles: ImportCycle[] } {
  const graph = readImportGraph(root);
  const fileCycles = findCycles(graph.edges);
  const folderCycles = findCycles(folderEdges(graph.edges), (folderEdge) =>
    graph.edges.filter((e) => folderOf(e.from) === folderEdge.from && folderOf(e.to) === folderEdge.to),
  );
  return { files: graph.files.length, edges: graph.edges.length, fileCycles, folderCycles };
}

/** Human-readable report of the cycles, one block per strongly connected component. */
export function formatCycles(fileCycles: ImportCycle[], folderCycles: ImportCycle[]): string {
  const lines: string[] = [];
  const block = (title: string, cycles: ImportCycle[], showWitnesses: boolean): void => {
    lines.push(`${title}: ${cycles.length === 0 ? 'none' : `${cycles.length} strongly connected component(s)`}`);
    for (const cycle of cycles) {
      lines.push(`  component of ${cycle.members.length}: ${cycle.members.join(', ')}`);
      for (const path of cycle.paths) lines.push(`    cycle: ${path.join(' -> ')}`);
      if (!showWitnesses) continue;
      lines.push('    edges and the imports behind them:');
      for (const edge of cycle.edges) {
        lines.push(`      ${edge.from} -> ${edge.to}:`);
        for (const w of edge.witnesses) lines.push(`        ${w.from} imports ${w.to}`);
      }
    }
  };
  block('folder-level cycles', folderCycles, true);
  block('file-level cycles', fileCycles, false);
  return lines.join('\n');
}
