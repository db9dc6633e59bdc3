// RUN: npu-opt %s --split-input-file --verify-diagnostics

// The `element` attribute of npu_mem.global: the graph element type of an input or output
// held in another buffer type (npu.dialects.level4.IO_ELEMENT_TYPES: i1 in an i8 mask).

// expected-error @below {{'npu_mem.global' op expects no element type on a global of kind 'weight' (only inputs and outputs have one)}}
"npu_mem.global"() {sym_name = "w", kind = "weight", type = memref<4xi8, "ext">, element = i1, value = dense<1> : tensor<4xi8>} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects buffer element type i8 for element type i1, got i16}}
"npu_mem.global"() {sym_name = "x", kind = "input", type = memref<4xi16, "ext">, element = i1} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects element type in i1 (graph types without buffers), got f32}}
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<4xf32, "ext">, element = f32} : () -> ()

// -----

// expected-error @below {{'npu_mem.global' op expects element to be a type, got "i1"}}
"npu_mem.global"() {sym_name = "y", kind = "output", type = memref<4xi8, "ext">, element = "i1"} : () -> ()
