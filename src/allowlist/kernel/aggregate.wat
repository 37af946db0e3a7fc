;; The allow-list's hot loops (docs/decisions/0105-allowlist-wasm-kernel.md): which names occur, which rows a
;; selection picks, the collapse of prefixes into the minimal list that covers them (as Python's
;; ipaddress.collapse_addresses does), and their text forms (as ipaddress prints them).
;; src/allowlist/kernel.ts lays the inputs out in this memory and reads the results back; aggregate.wasm is built
;; from this file by `npm run kernel` and a unit test checks that the two agree.
;;
;; Pointers are byte offsets into the memory; 0 means "none" for optional inputs. A row's `rows` entry is its index
;; in `words` (1 word per IPv4 row, 4 per IPv6 row, most significant first) and `lens` (one byte per row).
(module
  (memory (export "memory") 1)

  ;; The rows of one family, in address order, that the selection takes; with exclusions, also those it drops.
  ;; meta: u16 service, region, border group (0xffff: none) per row. order: u32 row indexes in address order.
  ;; take, exclude, regions, nbgs: one byte per string id, 1 when the id is selected (exclude, regions, nbgs
  ;; optional). taken, dropped: room for `count` u32 each. Returns how many were taken and dropped.
  (func (export "pick")
    (param $meta i32) (param $order i32) (param $count i32)
    (param $take i32) (param $exclude i32) (param $regions i32) (param $nbgs i32)
    (param $taken i32) (param $dropped i32)
    (result i32 i32)
    (local $k i32) (local $row i32) (local $m i32) (local $service i32) (local $group i32)
    (local $nTaken i32) (local $nDropped i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $row (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $m (i32.add (local.get $meta) (i32.mul (local.get $row) (i32.const 6))))
        (local.set $service (i32.load16_u (local.get $m)))
        (if (local.get $exclude)
          (then
            (if (i32.load8_u (i32.add (local.get $exclude) (local.get $service)))
              (then
                (i32.store
                  (i32.add (local.get $dropped) (i32.shl (local.get $nDropped) (i32.const 2)))
                  (local.get $row))
                (local.set $nDropped (i32.add (local.get $nDropped) (i32.const 1)))))))
        (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $take) (local.get $service)))))
        (if (local.get $regions)
          (then
            (br_if $next
              (i32.eqz (i32.load8_u (i32.add (local.get $regions) (i32.load16_u offset=2 (local.get $m))))))))
        (if (local.get $nbgs)
          (then
            (local.set $group (i32.load16_u offset=4 (local.get $m)))
            (br_if $next (i32.eq (local.get $group) (i32.const 0xffff)))
            (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $nbgs) (local.get $group)))))))
        (i32.store (i32.add (local.get $taken) (i32.shl (local.get $nTaken) (i32.const 2))) (local.get $row))
        (local.set $nTaken (i32.add (local.get $nTaken) (i32.const 1)))
        (br $next)))
    (local.get $nTaken)
    (local.get $nDropped))

    ;; seen[id] = 1 for the string id in `field` (0 service, 1 region, 2 border group) of each of `count` rows of
  ;; meta (see pick); seen has room for every 16-bit id.
  (func (export "mark") (param $meta i32) (param $count i32) (param $field i32) (param $seen i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.add (local.get $meta) (i32.shl (local.get $field) (i32.const 1))))
    (local.set $end (i32.add (local.get $meta) (i32.mul (local.get $count) (i32.const 6))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store8 (i32.add (local.get $seen) (i32.load16_u (local.get $p))) (i32.const 1))
        (local.set $p (i32.add (local.get $p) (i32.const 6)))
        (br $next))))

  ;; The row index of the k-th input: rows[k], or k itself when there is no rows list.
  (func $rowAt (param $rows i32) (param $k i32) (result i32)
    (if (result i32) (local.get $rows)
      (then (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2)))))
      (else (local.get $k))))

  ;; IPv4: the minimal prefixes covering the `n` rows, which come sorted by address, then prefix length. Writes one
  ;; word and one length per result to outWords and outLens (room for n each); returns how many.
  (func (export "collapse4")
    (param $words i32) (param $lens i32) (param $rows i32) (param $n i32) (param $outWords i32) (param $outLens i32)
    (result i32)
    (local $k i32) (local $row i32) (local $address i64) (local $len i32) (local $top i32) (local $size i64)
    (local $coverStart i64) (local $coverEnd i64)
    (local.set $top (i32.const -1))
    (local.set $coverStart (i64.const -1))
    (local.set $coverEnd (i64.const -1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $row (call $rowAt (local.get $rows) (local.get $k)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $address
          (i64.extend_i32_u (i32.load (i32.add (local.get $words) (i32.shl (local.get $row) (i32.const 2))))))
        (local.set $len (i32.load8_u (i32.add (local.get $lens) (local.get $row))))
        ;; Nested in what was just pushed (sorted by address, then length): nothing to add.
        (br_if $next
          (i32.and
            (i64.ge_s (local.get $address) (local.get $coverStart))
            (i64.le_s (local.get $address) (local.get $coverEnd))))
        ;; Merge with the top of the stack while the two are the halves of one parent.
        (block $merged
          (loop $merge
            (br_if $merged (i32.lt_s (local.get $top) (i32.const 0)))
            (br_if $merged (i32.eqz (local.get $len)))
            (br_if $merged
              (i32.ne (i32.load8_u (i32.add (local.get $outLens) (local.get $top))) (local.get $len)))
            (local.set $size (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 32) (local.get $len)))))
            (br_if $merged
              (i64.ne
                (i64.extend_i32_u (i32.load (i32.add (local.get $outWords) (i32.shl (local.get $top) (i32.const 2)))))
                (i64.sub (local.get $address) (local.get $size))))
            ;; The current prefix must be the upper half of its parent.
            (br_if $merged
              (i64.ne
                (i64.and (local.get $address) (i64.sub (i64.shl (local.get $size) (i64.const 1)) (i64.const 1)))
                (local.get $size)))
            (local.set $address (i64.sub (local.get $address) (local.get $size)))
            (local.set $top (i32.sub (local.get $top) (i32.const 1)))
            (local.set $len (i32.sub (local.get $len) (i32.const 1)))
            (br $merge)))
        (local.set $top (i32.add (local.get $top) (i32.const 1)))
        (i32.store
          (i32.add (local.get $outWords) (i32.shl (local.get $top) (i32.const 2)))
          (i32.wrap_i64 (local.get $address)))
        (i32.store8 (i32.add (local.get $outLens) (local.get $top)) (local.get $len))
        (local.set $coverStart (local.get $address))
        (local.set $coverEnd
          (i64.sub
            (i64.add
              (local.get $address)
              (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 32) (local.get $len)))))
            (i64.const 1)))
        (br $next)))
    (i32.add (local.get $top) (i32.const 1)))

  ;; Two 32-bit words at p (most significant first) as one 64-bit half of an IPv6 address.
  (func $half (param $p i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (i32.load (local.get $p))) (i64.const 32))
      (i64.extend_i32_u (i32.load offset=4 (local.get $p)))))

  (func $storeHalf (param $p i32) (param $value i64)
    (i32.store (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $value) (i64.const 32))))
    (i32.store offset=4 (local.get $p) (i32.wrap_i64 (local.get $value))))

  ;; The first `bits` bits of a 64-bit half set, bits clamped to 0..64.
  (func $mask (param $bits i32) (result i64)
    (if (result i64) (i32.le_s (local.get $bits) (i32.const 0))
      (then (i64.const 0))
      (else
        (if (result i64) (i32.ge_s (local.get $bits) (i32.const 64))
          (then (i64.const -1))
          (else (i64.shl (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $bits)))))))))

  ;; IPv6: as collapse4, with four words per row and per result.
  (func (export "collapse6")
    (param $words i32) (param $lens i32) (param $rows i32) (param $n i32) (param $outWords i32) (param $outLens i32)
    (result i32)
    (local $k i32) (local $row i32) (local $high i64) (local $low i64) (local $len i32) (local $top i32)
    (local $coverLen i32) (local $t i32) (local $pos i32) (local $bit i64)
    (local.set $top (i32.const -1))
    (local.set $coverLen (i32.const -1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $row (call $rowAt (local.get $rows) (local.get $k)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $high (call $half (i32.add (local.get $words) (i32.shl (local.get $row) (i32.const 4)))))
        (local.set $low (call $half (i32.add (local.get $words) (i32.add (i32.shl (local.get $row) (i32.const 4)) (i32.const 8)))))
        (local.set $len (i32.load8_u (i32.add (local.get $lens) (local.get $row))))
        (local.set $t (i32.add (local.get $outWords) (i32.shl (local.get $top) (i32.const 4))))
        ;; Nested in what was just pushed (sorted by address, then length): nothing to add.
        (if (i32.and (i32.ge_s (local.get $coverLen) (i32.const 0)) (i32.ge_s (local.get $len) (local.get $coverLen)))
          (then
            (br_if $next
              (i32.and
                (i64.eq (i64.and (local.get $high) (call $mask (local.get $coverLen))) (call $half (local.get $t)))
                (i64.eq
                  (i64.and (local.get $low) (call $mask (i32.sub (local.get $coverLen) (i32.const 64))))
                  (call $half (i32.add (local.get $t) (i32.const 8))))))))
        ;; Merge with the top of the stack while the two are the halves of one parent: the current prefix has its
        ;; last bit set, the top is the same prefix with it clear.
        (block $merged
          (loop $merge
            (br_if $merged (i32.lt_s (local.get $top) (i32.const 0)))
            (br_if $merged (i32.eqz (local.get $len)))
            (br_if $merged
              (i32.ne (i32.load8_u (i32.add (local.get $outLens) (local.get $top))) (local.get $len)))
            (local.set $t (i32.add (local.get $outWords) (i32.shl (local.get $top) (i32.const 4))))
            (local.set $pos (i32.sub (local.get $len) (i32.const 1)))
            (if (i32.lt_u (local.get $pos) (i32.const 64))
              (then
                (local.set $bit (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 63) (local.get $pos)))))
                (br_if $merged (i64.eqz (i64.and (local.get $high) (local.get $bit))))
                (br_if $merged
                  (i32.or
                    (i64.ne (call $half (local.get $t)) (i64.xor (local.get $high) (local.get $bit)))
                    (i64.ne (call $half (i32.add (local.get $t) (i32.const 8))) (local.get $low))))
                (local.set $high (i64.xor (local.get $high) (local.get $bit))))
              (else
                (local.set $bit (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 127) (local.get $pos)))))
                (br_if $merged (i64.eqz (i64.and (local.get $low) (local.get $bit))))
                (br_if $merged
                  (i32.or
                    (i64.ne (call $half (local.get $t)) (local.get $high))
                    (i64.ne (call $half (i32.add (local.get $t) (i32.const 8))) (i64.xor (local.get $low) (local.get $bit)))))
                (local.set $low (i64.xor (local.get $low) (local.get $bit)))))
            (local.set $top (i32.sub (local.get $top) (i32.const 1)))
            (local.set $len (i32.sub (local.get $len) (i32.const 1)))
            (br $merge)))
        (local.set $top (i32.add (local.get $top) (i32.const 1)))
        (local.set $t (i32.add (local.get $outWords) (i32.shl (local.get $top) (i32.const 4))))
        (call $storeHalf (local.get $t) (local.get $high))
        (call $storeHalf (i32.add (local.get $t) (i32.const 8)) (local.get $low))
        (i32.store8 (i32.add (local.get $outLens) (local.get $top)) (local.get $len))
        (local.set $coverLen (local.get $len))
        (br $next)))
    (i32.add (local.get $top) (i32.const 1)))
;; ---------------------------------------------------------------------------------------------------------------
;; Text forms, one "prefix/length\n" line per prefix, in ASCII: IPv4 dotted decimal; IPv6 in lower-case hex groups
;; without leading zeros, the longest run of at least two zero groups (the first on a tie) written "::".

  (func $byte (param $p i32) (param $c i32) (result i32)
    (i32.store8 (local.get $p) (local.get $c))
    (i32.add (local.get $p) (i32.const 1)))

  ;; The decimal digits of v (0..255) at p; returns the end.
  (func $decimal (param $p i32) (param $v i32) (result i32)
    (if (i32.ge_u (local.get $v) (i32.const 100))
      (then
        (local.set $p (call $byte (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 100)))))
        (local.set $v (i32.rem_u (local.get $v) (i32.const 100)))
        (local.set $p (call $byte (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 10))))))
      (else
        (if (i32.ge_u (local.get $v) (i32.const 10))
          (then
            (local.set $p
              (call $byte (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 10)))))))))
    (call $byte (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10)))))

  ;; The hex digits of v (0..0xffff) without leading zeros at p; returns the end.
  (func $hex (param $p i32) (param $v i32) (result i32)
    (local $shift i32) (local $digit i32)
    (local.set $shift (i32.const 12))
    ;; Skip leading zero digits, keeping the last.
    (block $found
      (loop $skip
        (br_if $found (i32.eqz (local.get $shift)))
        (br_if $found (i32.shr_u (local.get $v) (local.get $shift)))
        (local.set $shift (i32.sub (local.get $shift) (i32.const 4)))
        (br $skip)))
    (loop $digits
      (local.set $digit (i32.and (i32.shr_u (local.get $v) (local.get $shift)) (i32.const 15)))
      (local.set $p
        (call $byte
          (local.get $p)
          (i32.add (local.get $digit) (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $digit) (i32.const 10))))))
      (if (local.get $shift)
        (then
          (local.set $shift (i32.sub (local.get $shift) (i32.const 4)))
          (br $digits))))
    (local.get $p))

  ;; "/length\n" at p; returns the end.
  (func $suffix (param $p i32) (param $len i32) (result i32)
    (local.set $p (call $byte (local.get $p) (i32.const 47)))
    (local.set $p (call $decimal (local.get $p) (local.get $len)))
    (call $byte (local.get $p) (i32.const 10)))

  ;; The lines of n IPv4 prefixes (a word and a length each) at out (room for 19 bytes each); returns the end.
  (func (export "format4") (param $words i32) (param $lens i32) (param $n i32) (param $out i32) (result i32)
    (local $k i32) (local $w i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $w (i32.load (i32.add (local.get $words) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $out (call $decimal (local.get $out) (i32.shr_u (local.get $w) (i32.const 24))))
        (local.set $out (call $byte (local.get $out) (i32.const 46)))
        (local.set $out (call $decimal (local.get $out) (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 255))))
        (local.set $out (call $byte (local.get $out) (i32.const 46)))
        (local.set $out (call $decimal (local.get $out) (i32.and (i32.shr_u (local.get $w) (i32.const 8)) (i32.const 255))))
        (local.set $out (call $byte (local.get $out) (i32.const 46)))
        (local.set $out (call $decimal (local.get $out) (i32.and (local.get $w) (i32.const 255))))
        (local.set $out
          (call $suffix (local.get $out) (i32.load8_u (i32.add (local.get $lens) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $out))

  ;; Group i (0..7) of the IPv6 address whose four words are at p.
  (func $group (param $p i32) (param $i i32) (result i32)
    (i32.and
      (i32.shr_u
        (i32.load (i32.add (local.get $p) (i32.shl (i32.shr_u (local.get $i) (i32.const 1)) (i32.const 2))))
        (select (i32.const 0) (i32.const 16) (i32.and (local.get $i) (i32.const 1))))
      (i32.const 0xffff)))

  ;; Groups from..to-1 of the address at p, ":"-separated, at out; returns the end.
  (func $groups (param $p i32) (param $from i32) (param $to i32) (param $out i32) (result i32)
    (local $i i32)
    (local.set $i (local.get $from))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
        (if (i32.ne (local.get $i) (local.get $from))
          (then (local.set $out (call $byte (local.get $out) (i32.const 58)))))
        (local.set $out (call $hex (local.get $out) (call $group (local.get $p) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $out))

  ;; The lines of n IPv6 prefixes (four words and a length each) at out (room for 44 bytes each); returns the end.
  (func (export "format6") (param $words i32) (param $lens i32) (param $n i32) (param $out i32) (result i32)
    (local $k i32) (local $p i32) (local $i i32) (local $runStart i32) (local $bestStart i32) (local $bestLen i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $p (i32.add (local.get $words) (i32.shl (local.get $k) (i32.const 4))))
        ;; The longest run of zero groups, the first on a tie.
        (local.set $bestStart (i32.const -1))
        (local.set $bestLen (i32.const 0))
        (local.set $runStart (i32.const -1))
        (local.set $i (i32.const 0))
        (block $scanned
          (loop $scan
            (if (i32.and (i32.lt_u (local.get $i) (i32.const 8)) (i32.eqz (call $group (local.get $p) (local.get $i))))
              (then
                (if (i32.lt_s (local.get $runStart) (i32.const 0)) (then (local.set $runStart (local.get $i)))))
              (else
                (if (i32.ge_s (local.get $runStart) (i32.const 0))
                  (then
                    (if (i32.gt_s (i32.sub (local.get $i) (local.get $runStart)) (local.get $bestLen))
                      (then
                        (local.set $bestLen (i32.sub (local.get $i) (local.get $runStart)))
                        (local.set $bestStart (local.get $runStart))))
                    (local.set $runStart (i32.const -1))))))
            (br_if $scanned (i32.eq (local.get $i) (i32.const 8)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $scan)))
        (if (i32.lt_s (local.get $bestLen) (i32.const 2))
          (then (local.set $out (call $groups (local.get $p) (i32.const 0) (i32.const 8) (local.get $out))))
          (else
            (local.set $out (call $groups (local.get $p) (i32.const 0) (local.get $bestStart) (local.get $out)))
            (local.set $out (call $byte (local.get $out) (i32.const 58)))
            (local.set $out (call $byte (local.get $out) (i32.const 58)))
            (local.set $out
              (call $groups
                (local.get $p) (i32.add (local.get $bestStart) (local.get $bestLen)) (i32.const 8) (local.get $out)))))
        (local.set $out
          (call $suffix (local.get $out) (i32.load8_u (i32.add (local.get $lens) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $out)))
