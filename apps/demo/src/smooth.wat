;; Stroke smoothing for the Marco demo, run on every frame while a stroke is drawn.
;; Points are f32 (x, y) pairs in the imported linear memory (a MemoryPool's), 8 bytes per point.
(module
  (import "env" "memory" (memory 2))

  ;; Centred moving average: out[i] = mean(in[i-k .. i+k]) with k = min(radius, i, n-1-i), so the window
  ;; stays symmetric and both end points are kept exactly (the stroke still starts and ends under the pen).
  ;; Returns the number of points written (n).
  (func $average (export "average") (param $in i32) (param $n i32) (param $out i32) (param $radius i32) (result i32)
    (local $i i32) (local $k i32) (local $j i32) (local $end i32) (local $p i32)
    (local $sx f32) (local $sy f32) (local $count f32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; k = min(radius, i, n - 1 - i)
        (local.set $k (local.get $radius))
        (if (i32.lt_u (local.get $i) (local.get $k)) (then (local.set $k (local.get $i))))
        (if (i32.lt_u (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $i)) (local.get $k))
          (then (local.set $k (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $i)))))
        (local.set $j (i32.sub (local.get $i) (local.get $k)))
        (local.set $end (i32.add (local.get $i) (local.get $k)))
        (local.set $sx (f32.const 0))
        (local.set $sy (f32.const 0))
        (block $summed
          (loop $sum
            (br_if $summed (i32.gt_u (local.get $j) (local.get $end)))
            (local.set $p (i32.add (local.get $in) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $sx (f32.add (local.get $sx) (f32.load (local.get $p))))
            (local.set $sy (f32.add (local.get $sy) (f32.load offset=4 (local.get $p))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $sum)))
        (local.set $count (f32.convert_i32_u (i32.add (i32.shl (local.get $k) (i32.const 1)) (i32.const 1))))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (f32.store (local.get $p) (f32.div (local.get $sx) (local.get $count)))
        (f32.store offset=4 (local.get $p) (f32.div (local.get $sy) (local.get $count)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $n))

  ;; One Chaikin corner-cutting step: each segment (a, b) becomes 3/4 a + 1/4 b and 1/4 a + 3/4 b; the first
  ;; and last points are kept. Writes 2n points for n >= 2 (n otherwise, copied) and returns that count.
  (func $chaikin (export "chaikin") (param $in i32) (param $n i32) (param $out i32) (result i32)
    (local $i i32) (local $a i32) (local $q i32)
    (local $ax f32) (local $ay f32) (local $bx f32) (local $by f32)
    (if (i32.lt_u (local.get $n) (i32.const 2))
      (then
        (if (i32.eq (local.get $n) (i32.const 1))
          (then (i64.store (local.get $out) (i64.load (local.get $in)))))
        (return (local.get $n))))
    (i64.store (local.get $out) (i64.load (local.get $in)))
    (local.set $q (i32.add (local.get $out) (i32.const 8)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $a (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $ax (f32.load (local.get $a)))
        (local.set $ay (f32.load offset=4 (local.get $a)))
        (local.set $bx (f32.load offset=8 (local.get $a)))
        (local.set $by (f32.load offset=12 (local.get $a)))
        (f32.store (local.get $q) (f32.add (f32.mul (local.get $ax) (f32.const 0.75)) (f32.mul (local.get $bx) (f32.const 0.25))))
        (f32.store offset=4 (local.get $q) (f32.add (f32.mul (local.get $ay) (f32.const 0.75)) (f32.mul (local.get $by) (f32.const 0.25))))
        (f32.store offset=8 (local.get $q) (f32.add (f32.mul (local.get $ax) (f32.const 0.25)) (f32.mul (local.get $bx) (f32.const 0.75))))
        (f32.store offset=12 (local.get $q) (f32.add (f32.mul (local.get $ay) (f32.const 0.25)) (f32.mul (local.get $by) (f32.const 0.75))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i64.store (local.get $q) (i64.load (i32.add (local.get $in) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 3)))))
    (i32.shl (local.get $n) (i32.const 1)))

  ;; Polyline length of n points, in the points' units.
  (func $length (export "length") (param $in i32) (param $n i32) (result f32)
    (local $i i32) (local $a i32) (local $dx f32) (local $dy f32) (local $sum f32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $a (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $dx (f32.sub (f32.load offset=8 (local.get $a)) (f32.load (local.get $a))))
        (local.set $dy (f32.sub (f32.load offset=12 (local.get $a)) (f32.load offset=4 (local.get $a))))
        (local.set $sum (f32.add (local.get $sum) (f32.sqrt (f32.add (f32.mul (local.get $dx) (local.get $dx)) (f32.mul (local.get $dy) (local.get $dy))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $sum))

  ;; The crash button's target: a trap two wasm frames deep, so the report shows wasm frames with names.
  (func $explode unreachable)
  (func $trap (export "trap") (call $explode))
)
