/**
 * Package manifests written into the C output, so the same folder drops into the build systems
 * firmware engineers use: PlatformIO (`library.json`) and Zephyr (`zephyr/module.yml`,
 * `zephyr/CMakeLists.txt`, `zephyr/Kconfig`, a module a west manifest or ZEPHYR_EXTRA_MODULES can
 * add). Only the C prefix (an identifier) and file names reach build logic; the model's own name
 * appears as escaped description text. See docs/c-backend.md.
 */
import { type QModel, inputTensor, outputTensor } from '../../ir/qmodel.js';
import { FIRMNET_VERSION } from '../../version.js';
import { asciiJson, oneLineText, shortName } from '../package-syntax.js';
import { type CommentText, comment, generatedHashHeader } from '../render.js';
import type { CModelNames } from './c-names.js';
import { KERNEL_SOURCES } from './kernel-sources.js';
import { decisionOf } from './render-conveniences.js';

/** The version written into package manifests unless one is given (semantic versioning, as both registries require). */
export const DEFAULT_PACKAGE_VERSION = '1.0.0';

/** PlatformIO and Arduino library names: the prefix in lower case, '_' as '-' for PlatformIO (its names are slugs). */
export function platformioName(names: CModelNames): string {
  return names.prefix.toLowerCase().replace(/_/g, '-');
}

/** One sentence on what the model is, for manifests' descriptions (the name escaped by the caller's format). */
export function modelSentence(q: QModel): string {
  const inputs = inputTensor(q).features;
  const outputs = q.classNames.length > 0 && q.task !== 'multilabel' ? `${q.classNames.length} classes` : `${outputTensor(q).features} outputs`;
  return `firmnet int8 model '${shortName(q.name)}' (${q.task}, ${inputs} features in, ${outputs}; IR ${q.hash}), portable C99 without allocation`;
}

export function renderPlatformioManifest(q: QModel, names: CModelNames, version: string): string {
  return asciiJson({
    name: platformioName(names),
    version,
    // Escaped as library.properties' sentence is: PlatformIO shows it on one line, as parsed.
    description: oneLineText(modelSentence(q)),
    keywords: ['firmnet', 'tinyml', 'neural-network', 'int8', 'machine-learning'],
    frameworks: '*',
    platforms: '*',
    headers: names.header,
    build: {
      // The model and kernel sources sit at the top of this folder; example/ and zephyr/ are not part of the library.
      srcDir: '.',
      includeDir: '.',
      srcFilter: ['+<*.c>', '-<example/>', '-<zephyr/>'],
      // The float path repeats the golden reference's float32 steps; a fused multiply-add would change a regression output's last bit.
      flags: ['-ffp-contract=off'],
    },
    generator: `firmnet ${FIRMNET_VERSION}`,
  });
}

/** The Zephyr module's name (and its Kconfig and CMake symbol stem): `firmnet_<prefix>`, never a YAML keyword. */
export function zephyrModuleName(names: CModelNames): string {
  return `firmnet_${names.prefix}`;
}

/** The Kconfig option that builds the model: CONFIG_FIRMNET_<PREFIX>. */
export function zephyrOption(names: CModelNames): string {
  return `FIRMNET_${names.macro}`;
}

function hashHeader(q: QModel, command: string, lines: CommentText[]): string {
  return generatedHashHeader(q, command, lines);
}

export function renderZephyrModuleYml(q: QModel, names: CModelNames, command: string): string {
  return `${hashHeader(q, command, [comment`Zephyr module of firmnet model '${q.name}': add the folder above zephyr/ to ZEPHYR_EXTRA_MODULES or to your west manifest.`])}name: "${zephyrModuleName(names)}"
build:
  cmake: zephyr
  kconfig: zephyr/Kconfig
`;
}

export function renderZephyrCMake(q: QModel, names: CModelNames, command: string): string {
  const dir = `\${CMAKE_CURRENT_LIST_DIR}/..`;
  const option = `CONFIG_${zephyrOption(names)}`;
  return `${hashHeader(q, command, [comment`Zephyr module build of firmnet model '${q.name}'.`])}#
# Builds the model into the Zephyr image when ${option}=y (prj.conf). Include ${names.header} from the
# application. The kernels are compiled once per image, however many firmnet modules it has (they are
# the same files in every firmnet output of one firmnet version).

if(${option})
  zephyr_include_directories(${dir})
  zephyr_library_named(${zephyrModuleName(names)})
  zephyr_library_sources(
    ${dir}/${names.source}
    ${dir}/${names.predictSource})
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    # ${names.predictSource} repeats the golden reference's float32 steps: no fused multiply-add.
    zephyr_library_compile_options(-ffp-contract=off)
  endif()
  get_property(firmnet_kernels_added GLOBAL PROPERTY FIRMNET_KERNELS_ADDED)
  if(NOT firmnet_kernels_added)
    set_property(GLOBAL PROPERTY FIRMNET_KERNELS_ADDED TRUE)
    zephyr_library_sources(
${KERNEL_SOURCES.map((f) => `      ${dir}/${f}`).join('\n')})
  endif()
endif()
`;
}

export function renderZephyrKconfig(q: QModel, names: CModelNames, command: string): string {
  const header = hashHeader(q, command, [comment`Kconfig of the Zephyr module of firmnet model '${q.name}'.`]);
  return `${header}
config ${zephyrOption(names)}
\tbool "firmnet model ${names.prefix}"
\thelp
\t  ${oneLineText(`Builds ${modelSentence(q)}.`)}
\t  Include ${names.header} and call ${names.invoke}()${decisionOf(q) === null ? ` or ${names.prefix}_predict()` : `, ${names.prefix}_predict() or ${names.prefix}_classify()`}.
\t  ${names.predictSource} calls expf for a softmax or sigmoid head (the C library's libm).
`;
}
