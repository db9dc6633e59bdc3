// RUN: npu-opt %s --split-input-file --verify-diagnostics --target=edge-lpddr --npu-alloc-ext
// RUN: not npu-opt %s --split-input-file --npu-alloc-ext 2>&1 | FileCheck %s --check-prefix=NOTARGET
// NOTARGET: error: pass 'npu-alloc-ext' needs a target (use --target=PRESET|FILE)

// edge-lpddr has 4 GiB of LPDDR: two 3 GiB inputs do not both fit.
"npu_mem.global"() {sym_name = "a", kind = "input", type = memref<3221225472xi8, "ext">} : () -> ()
// expected-error @below {{'npu_mem.global' op does not fit in external memory: @b needs [3221225472, 6442450944) (6442450944 bytes in all), target 'edge-lpddr' has 4294967296 bytes of lpddr}}
"npu_mem.global"() {sym_name = "b", kind = "input", type = memref<3221225472xi8, "ext">} : () -> ()
