/*
 * A native host for wasmlp: the portable (SIMD-free) module translated to C by wasm2c 1.0.39,
 * driven through the ABI of docs/abi.md. It trains the golden seed case (test/golden/
 * seed-3-4-2-batch4.json in the repository: 3 -> 4 sigmoid -> 2 sigmoid, squared error, a batch
 * of 4, three SGD steps with lr 0.5) and prints every step's loss and parameters with 17
 * significant digits.
 *
 * Build and run: make run  (see Makefile; needs node, make and a C compiler: wasm2c comes from the
 * npm package wabt, its C runtime from wasm-rt/ here). A trap prints its reason and exits with 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wasm-rt.h"
#include "wasmlp.h"

/* ---- docs/abi.md ---------------------------------------------------------------------- */
enum { ACT_IDENTITY = 0, ACT_SIGMOID = 1, ACT_TANH = 2, ACT_RELU = 3, ACT_LEAKY_RELU = 4, ACT_SOFTMAX = 5 };
enum { LOSS_SQUARED_ERROR = 0, LOSS_CROSS_ENTROPY = 1, LOSS_BINARY_CROSS_ENTROPY = 2 };
enum { HEADER_WORDS = 16, LAYER_WORDS = 12, TRAIN_WORDS = 24 };
enum { H_LAYER_COUNT, H_INPUT_SIZE, H_LOSS, H_X, H_Y, H_SAMPLE_LOSS, H_INPUT_ERRORS, H_TRAIN, H_PARAMS,
       H_PARAM_COUNT, H_GRADS, H_STATE1, H_STATE2 };
enum { L_IN, L_OUT, L_ACT, L_W, L_B, L_DW, L_DB, L_Z, L_A, L_E, L_D };
enum { T_OPTIMIZER, T_LR, T_MOMENTUM, T_NESTEROV, T_WEIGHT_DECAY, T_BETA1, T_BETA2, T_EPS, T_CLIP_NORM, T_STEP,
       T_METRIC, T_LOSS_SUM, T_CORRECT, T_SEEN, T_STATUS, T_BATCH_LOSS, T_GRAD_NORM, T_BETA1_POWER, T_BETA2_POWER };

/* ---- the golden seed case ------------------------------------------------------------- */
#define LAYERS 2
#define ROWS 4
#define STEPS 3
static const uint32_t SIZES[LAYERS + 1] = {3, 4, 2}; /* n0 (inputs), n1, n2 */
static const uint32_t ACTS[LAYERS] = {ACT_SIGMOID, ACT_SIGMOID};
static const double LR = 0.5;
/* W1 b1 W2 b2, back to back (W row-major, outputs x inputs) */
static const double SEED[] = {
  0.7731721142600414, -0.7463679965224985, 0.3865320704905279, 0.07454981145348762, 0.7652046658595599,
  0.047609533683066994, -0.7028697306674112, -0.4315296986111743, 0.3569578932403177, -0.06987635472764049,
  -0.7738175337905064, 0.33885268790245476,
  0.11972212722833997, 0.3079855855927367, 0.23283945071898982, -0.1336177546987145,
  0.8827920400689282, -0.6059013297006297, 0.5158683557363737, -0.7721500686336444, 0.48798017217479694,
  0.41351918017274847, 0.5890685235913493, 0.39065473721221666,
  -0.07637763295661548, -0.3656088992285107,
};
static const double INPUTS[ROWS * 3] = {
  0.7451650827743217, -0.9504749608124003, -0.6257786013526248,
  -0.11153491227787549, -0.9424606633459387, -0.6597419083847214,
  0.10595193316095552, -0.34596844378495883, 0.44959322267703583,
  -0.287702929468447, -0.2609930125694304, 0.6971331782196037,
};
static const double TARGETS[ROWS * 2] = {
  0.38753945759047526, 0.14079992879916814,
  0.4006168887738608, 0.017129524836501986,
  0.7370815244990787, 0.6247684074866682,
  0.5111733716646056, 0.614135174358027,
};

/* ---- memory access (wasm memory is little-endian, as is every host this runs on) ------- */
static w2c_wasmlp wasm;
static wasm_rt_memory_t *memory;

static void put_i32(uint32_t at, int32_t v) { memcpy(memory->data + at, &v, 4); }
static void put_f64(uint32_t at, double v) { memcpy(memory->data + at, &v, 8); }
static double get_f64(uint32_t at) { double v; memcpy(&v, memory->data + at, 8); return v; }
static void put_f64s(uint32_t at, const double *v, uint32_t n) { memcpy(memory->data + at, v, (size_t)n * 8); }
static void zero(uint32_t at, uint32_t bytes) { memset(memory->data + at, 0, bytes); }

/* ---- the memory plan of docs/abi.md --------------------------------------------------- */
typedef struct { uint32_t w, b, dw, db, z, a, e, d; } LayerPlan;
typedef struct {
  uint32_t net, train, params, param_count, grads, state1, state2, x, y, sample_loss, input_errors, end;
  LayerPlan layer[LAYERS];
} Plan;

static uint32_t at;
static uint32_t take(uint32_t doubles) { /* a region of f64, the next one 16-byte aligned */
  uint32_t offset = at;
  at = (at + doubles * 8 + 15) & ~15u;
  return offset;
}

static Plan plan_memory(uint32_t base, uint32_t capacity) {
  Plan p;
  at = (base + 15) & ~15u;
  p.net = take((HEADER_WORDS + LAYER_WORDS * LAYERS) / 2);
  p.train = take(TRAIN_WORDS);
  p.param_count = 0;
  for (int l = 1; l <= LAYERS; l++) p.param_count += SIZES[l] * (SIZES[l - 1] + 1);
  p.params = take(p.param_count);
  p.grads = take(p.param_count);
  p.state1 = take(p.param_count);
  p.state2 = take(p.param_count);
  p.x = take(capacity * SIZES[0]);
  p.y = take(capacity * SIZES[LAYERS]);
  p.sample_loss = take(capacity);
  p.input_errors = take(capacity * SIZES[0]);
  uint32_t w = p.params;
  for (int l = 1; l <= LAYERS; l++) {
    LayerPlan *r = &p.layer[l - 1];
    r->w = w;
    r->b = w + SIZES[l] * SIZES[l - 1] * 8;
    w = r->b + SIZES[l] * 8;
    r->dw = r->w + (p.grads - p.params); /* gradients mirror the parameters */
    r->db = r->b + (p.grads - p.params);
    r->z = take(capacity * SIZES[l]);
    r->a = take(capacity * SIZES[l]);
    r->e = take(capacity * SIZES[l]);
    r->d = take(capacity * SIZES[l]);
  }
  p.end = at;
  return p;
}

static void write_descriptor(const Plan *p) {
  const uint32_t h = p->net;
  zero(h, (HEADER_WORDS + LAYER_WORDS * LAYERS) * 4);
  put_i32(h + 4 * H_LAYER_COUNT, LAYERS);
  put_i32(h + 4 * H_INPUT_SIZE, SIZES[0]);
  put_i32(h + 4 * H_LOSS, LOSS_SQUARED_ERROR);
  put_i32(h + 4 * H_X, p->x);
  put_i32(h + 4 * H_Y, p->y);
  put_i32(h + 4 * H_SAMPLE_LOSS, p->sample_loss);
  put_i32(h + 4 * H_INPUT_ERRORS, p->input_errors);
  put_i32(h + 4 * H_TRAIN, p->train);
  put_i32(h + 4 * H_PARAMS, p->params);
  put_i32(h + 4 * H_PARAM_COUNT, p->param_count);
  put_i32(h + 4 * H_GRADS, p->grads);
  put_i32(h + 4 * H_STATE1, p->state1);
  put_i32(h + 4 * H_STATE2, p->state2);
  for (int l = 0; l < LAYERS; l++) {
    const uint32_t r = h + 4 * (HEADER_WORDS + l * LAYER_WORDS);
    const LayerPlan *q = &p->layer[l];
    put_i32(r + 4 * L_IN, SIZES[l]);
    put_i32(r + 4 * L_OUT, SIZES[l + 1]);
    put_i32(r + 4 * L_ACT, ACTS[l]);
    put_i32(r + 4 * L_W, q->w);
    put_i32(r + 4 * L_B, q->b);
    put_i32(r + 4 * L_DW, q->dw);
    put_i32(r + 4 * L_DB, q->db);
    put_i32(r + 4 * L_Z, q->z);
    put_i32(r + 4 * L_A, q->a);
    put_i32(r + 4 * L_E, q->e);
    put_i32(r + 4 * L_D, q->d);
  }
}

static void print_values(int step, const char *name, uint32_t offset, uint32_t n) {
  printf("step %d %s", step, name);
  for (uint32_t i = 0; i < n; i++) printf(" %.17g", get_f64(offset + 8 * i));
  printf("\n");
}

int main(void) {
  wasm_rt_init();
  wasm2c_wasmlp_instantiate(&wasm);
  memory = w2c_wasmlp_memory(&wasm);

  if (*w2c_wasmlp_ABI_VERSION(&wasm) != 1) {
    fprintf(stderr, "unexpected ABI_VERSION %u\n", *w2c_wasmlp_ABI_VERSION(&wasm));
    return 1;
  }
  /* 1-2. Lay out from heapBase(); grow the memory once, before writing (it never grows during a step). */
  const Plan p = plan_memory(w2c_wasmlp_heapBase(&wasm), ROWS);
  if (p.end > memory->size) {
    const uint64_t pages = (p.end - memory->size + 65535) / 65536;
    if (wasm_rt_grow_memory(memory, pages) == (uint64_t)-1) { fprintf(stderr, "cannot grow memory\n"); return 1; }
  }
  /* 3. descriptor */
  write_descriptor(&p);
  /* 4. training block: plain SGD, lr 0.5; beta powers 1 before the first step */
  zero(p.train, TRAIN_WORDS * 8);
  put_f64(p.train + 8 * T_OPTIMIZER, 0);
  put_f64(p.train + 8 * T_LR, LR);
  put_f64(p.train + 8 * T_BETA1_POWER, 1);
  put_f64(p.train + 8 * T_BETA2_POWER, 1);
  /* 5. parameters; gradients and optimizer state zeroed */
  put_f64s(p.params, SEED, p.param_count);
  zero(p.grads, p.param_count * 8);
  zero(p.state1, p.param_count * 8);
  zero(p.state2, p.param_count * 8);
  /* 6. the batch */
  put_f64s(p.x, INPUTS, ROWS * SIZES[0]);
  put_f64s(p.y, TARGETS, ROWS * SIZES[LAYERS]);

  printf("abi %u heapBase %u planEnd %u\n", *w2c_wasmlp_ABI_VERSION(&wasm), w2c_wasmlp_heapBase(&wasm), p.end);
  /* 7. forward, backward (gradients stored, mean loss returned), optimizer step */
  for (int step = 1; step <= STEPS; step++) {
    w2c_wasmlp_forward(&wasm, p.net, ROWS);
    const double loss = w2c_wasmlp_backward(&wasm, p.net, ROWS, 0);
    w2c_wasmlp_optimizerStep(&wasm, p.net);
    /* 8. read the results straight out of memory */
    printf("step %d loss %.17g\n", step, loss);
    for (int l = 0; l < LAYERS; l++) {
      char name[8];
      snprintf(name, sizeof name, "W%d", l + 1);
      print_values(step, name, p.layer[l].w, SIZES[l + 1] * SIZES[l]);
      snprintf(name, sizeof name, "b%d", l + 1);
      print_values(step, name, p.layer[l].b, SIZES[l + 1]);
    }
  }

  wasm2c_wasmlp_free(&wasm);
  wasm_rt_free();
  return 0;
}
