/**
 * What the package tests build against: a minimal Arduino.h (and its Serial over semihosting) and a
 * sketch build as the Arduino IDE does it, and the pieces of a stub Zephyr — the Python tooling's
 * checks of module.yml and Kconfig, the zephyr_library_* CMake functions and an application that adds
 * modules as Zephyr does. Shared by packages.test.ts, arduino.test.ts and hostile-packages.test.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { linkerScript } from '../../firmware-sim/qemu/bare-metal.js';
import type { CoreSpec } from '../../firmware-sim/targets.js';

const run = promisify(execFile);

/** A Python with what Zephyr's module and Kconfig tooling use (Debian: python3-yaml, python3-pykwalify, python3-ruamel.yaml, python3-kconfiglib). */
export const ZEPHYR_PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import yaml, pykwalify.core, kconfiglib']).status === 0) ?? null;
if (!ZEPHYR_PYTHON) console.warn('SKIP: python3 with yaml, pykwalify and kconfiglib not found — module.yml and Kconfig checks are skipped; run scripts/install-system-deps.sh');

/**
 * The module.yml fields firmnet writes, as Zephyr's documentation describes them: an optional
 * name, and build.cmake (the folder with the module's CMakeLists.txt) and build.kconfig (its Kconfig
 * file), both relative to the module's root. Other documented keys are allowed but not written.
 */
export const MODULE_SCHEMA = `
type: map
mapping:
  name: { type: str, required: false }
  build:
    type: map
    required: false
    mapping:
      cmake: { type: str, required: false }
      kconfig: { type: str, required: false }
`;

/** Validates module.yml with pykwalify and prints its name and build paths as JSON. */
export const CHECK_MODULE_YML = `
import json, sys, yaml, pykwalify.core
meta = yaml.safe_load(open(sys.argv[1]))
pykwalify.core.Core(source_data=meta, schema_data=yaml.safe_load(sys.argv[2])).validate()
print(json.dumps(meta))
`;

/** Reads the Kconfig tree, applies prj.conf, fails on any warning, writes .config and prints the warnings (none). */
export const CHECK_KCONFIG = `
import sys, kconfiglib
k = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
k.load_config(sys.argv[2], replace=True)
k.write_config(sys.argv[3])
if k.warnings:
    sys.exit("\\n".join(k.warnings))
print("\\n".join("%s=%s" % (s.name, s.str_value) for s in k.unique_defined_syms if s.name.startswith("FIRMNET_")))
`;

/** The zephyr_library_* functions a module's CMakeLists.txt calls, reduced to plain CMake. */
export const STUB_ZEPHYR_CMAKE = `
macro(zephyr_library_named name)
  set(ZEPHYR_CURRENT_LIBRARY \${name})
  add_library(\${name} STATIC)
  set_property(GLOBAL APPEND PROPERTY ZEPHYR_LIBS \${name})
endmacro()
function(zephyr_library_sources)
  target_sources(\${ZEPHYR_CURRENT_LIBRARY} PRIVATE \${ARGN})
endfunction()
function(zephyr_library_compile_options)
  target_compile_options(\${ZEPHYR_CURRENT_LIBRARY} PRIVATE \${ARGN})
endfunction()
function(zephyr_include_directories)
  set_property(GLOBAL APPEND PROPERTY ZEPHYR_INCLUDES \${ARGN})
endfunction()
`;

/** What a sketch compiled against it can call: Serial.begin/print/println and `while (!Serial)`, over semihosting. */
export const ARDUINO_H = `#ifndef ARDUINO_H
#define ARDUINO_H
#include <stdint.h>
extern "C" void firmnet_puts(const char *s);
class HardwareSerialStub {
public:
    void begin(unsigned long) {}
    explicit operator bool() const { return true; }
    void print(const char *s) { firmnet_puts(s); }
    void print(long v);
    void print(double v, int digits);
    void println() { firmnet_puts("\\n"); }
    void println(const char *s) { print(s); println(); }
};
extern HardwareSerialStub Serial;
void setup(void);
void loop(void);
#endif
`;

/**
 * Serial's number printing and main(): the FPU switched on (a core's SystemInit does this on a
 * Cortex-M4F; the float path uses it), then setup() once and loop() once, a sketch's first iteration.
 */
export const ARDUINO_CPP = `#include "Arduino.h"
HardwareSerialStub Serial;
void HardwareSerialStub::print(long v) {
    char text[24];
    char *p = text + sizeof text;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    *--p = 0;
    do { *--p = (char)('0' + u % 10u); u /= 10u; } while (u != 0);
    if (v < 0) *--p = '-';
    firmnet_puts(p);
}
void HardwareSerialStub::print(double v, int digits) {
    if (v < 0) { firmnet_puts("-"); v = -v; }
    double scale = 1.0;
    for (int i = 0; i < digits; ++i) scale *= 10.0;
    unsigned long long fixed = (unsigned long long)(v * scale + 0.5);
    print((long)(fixed / (unsigned long long)scale));
    firmnet_puts(".");
    char fraction[24];
    unsigned long long rest = fixed % (unsigned long long)scale;
    for (int i = digits - 1; i >= 0; --i) { fraction[i] = (char)('0' + rest % 10u); rest /= 10u; }
    fraction[digits] = 0;
    firmnet_puts(fraction);
}
int main() {
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: full access to CP10 and CP11 */
    __asm__ volatile("dsb\\n isb" ::: "memory");
    setup();
    loop();
    return 0;
}
`;

const CPU = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'];
const COMMON = [...CPU, '-Os', '-ffunction-sections', '-fdata-sections', '-Wall', '-Wextra', '-Werror'];

/**
 * Builds a sketch for a Cortex-M4F core as the Arduino IDE does: each library's src/*.c with
 * arm-none-eabi-gcc (-std=gnu11), archived into one .a per library when its library.properties says
 * dot_a_linkage=true, the .ino as C++ with `#include <Arduino.h>` prepended, against ARDUINO_H; every
 * compile must be silent under -Werror. Returns the ELF and the sketch as compiled.
 */
export async function buildSketch(libraries: string[], ino: string, core: CoreSpec, build: string): Promise<{ elf: string; sketchCpp: string }> {
  mkdirSync(join(build, 'stub'), { recursive: true });
  writeFileSync(join(build, 'stub', 'Arduino.h'), ARDUINO_H);
  writeFileSync(join(build, 'arduino.cpp'), ARDUINO_CPP);
  const sketchCpp = join(build, 'sketch.cpp');
  writeFileSync(sketchCpp, `#include <Arduino.h>\n#line 1 "sketch.ino"\n${ino}`);
  const includes = libraries.map((l) => `-I${join(l, 'src')}`);
  const cxx = ['-std=gnu++17', '-fno-exceptions', '-fno-rtti', '-fno-threadsafe-statics', `-I${join(build, 'stub')}`, ...includes];
  let count = 0;
  const compile = async (tool: string, flags: string[], source: string): Promise<string> => {
    const object = join(build, `${count++}.o`);
    const { stderr } = await run(tool, [...COMMON, ...flags, '-c', source, '-o', object]);
    if (stderr !== '') throw new Error(`${tool} ${source}: ${stderr}`);
    return object;
  };
  const linked = [await compile('arm-none-eabi-g++', cxx, sketchCpp), await compile('arm-none-eabi-g++', cxx, join(build, 'arduino.cpp'))];
  for (const [i, library] of libraries.entries()) {
    const src = join(library, 'src');
    const objects: string[] = [];
    for (const f of readdirSync(src).filter((f) => f.endsWith('.c')).sort()) objects.push(await compile('arm-none-eabi-gcc', ['-std=gnu11', `-I${src}`], join(src, f)));
    if (/^dot_a_linkage=true$/m.test(readFileSync(join(library, 'library.properties'), 'utf8'))) {
      const archive = join(build, `library${i}.a`);
      await run('arm-none-eabi-ar', ['rcs', archive, ...objects]);
      linked.push(archive);
    } else {
      linked.push(...objects);
    }
  }
  // The core's startup code goes first, as an Arduino core's does; the libraries' archives after the sketch.
  linked.unshift(await compile('arm-none-eabi-gcc', ['-std=c99', '-ffreestanding'], resolve('firmware-sim/qemu/startup.c')));
  writeFileSync(join(build, 'link.ld'), linkerScript(core.emulator));
  const elf = join(build, 'sketch.elf');
  await run('arm-none-eabi-gcc', [...CPU, '-nostartfiles', '-Wl,--gc-sections', '-T', join(build, 'link.ld'), '-o', elf, ...linked, '-lm', '-lc', '-lgcc']);
  return { elf, sketchCpp };
}

/**
 * A stub Zephyr application in `app`: main.c as given, the modules added as Zephyr adds them (each
 * module's build.cmake folder with add_subdirectory, the CONFIG_ options as CMake variables, the
 * libraries linked whole-archive), configured and built with CMake. Returns the executable.
 */
export async function buildStubZephyrApp(app: string, modules: string[], config: Record<string, boolean>, mainC: string): Promise<string> {
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'stub-zephyr.cmake'), STUB_ZEPHYR_CMAKE);
  writeFileSync(join(app, 'main.c'), mainC);
  writeFileSync(
    join(app, 'CMakeLists.txt'),
    `cmake_minimum_required(VERSION 3.13)
project(stub_zephyr_app C)
include(\${CMAKE_CURRENT_LIST_DIR}/stub-zephyr.cmake)
# Zephyr adds each module's build folder (module.yml build.cmake) with add_subdirectory.
set(module_index 0)
foreach(module_dir \${ZEPHYR_MODULES})
  math(EXPR module_index "\${module_index} + 1")
  add_subdirectory(\${module_dir}/zephyr \${CMAKE_BINARY_DIR}/modules/\${module_index})
endforeach()
get_property(includes GLOBAL PROPERTY ZEPHYR_INCLUDES)
get_property(libs GLOBAL PROPERTY ZEPHYR_LIBS)
foreach(lib \${libs})
  target_include_directories(\${lib} PRIVATE \${includes})
  target_compile_options(\${lib} PRIVATE -Wall -Wextra -Werror)
endforeach()
add_executable(app main.c)
target_include_directories(app PRIVATE \${includes})
# Zephyr links its libraries whole-archive.
target_link_libraries(app PRIVATE -Wl,--whole-archive \${libs} -Wl,--no-whole-archive m)
`,
  );
  const build = join(app, 'build');
  const options = Object.entries(config).map(([option, on]) => `-D${option}=${on ? 'y' : ''}`);
  await run('cmake', ['-S', app, '-B', build, `-DZEPHYR_MODULES=${modules.join(';')}`, ...options]);
  await run('cmake', ['--build', build]);
  return join(build, 'app');
}
