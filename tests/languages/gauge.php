<?php
namespace Gauges;

/** A gauge reading in bars. */
class Reading
{
    const UNIT = 'bar';

    public function __construct(private float $bars) {}

    /** The reading in psi. */
    public function toPsi(): float
    {
        return $this->bars * 14.5;
    }

    public function toPsiRounded(): int
    {
        // toPsi, rounded
        return (int) round($this->toPsi());
    }
}

interface Sensor { public function sample(): Reading; }

function toPsiAll(array $readings): array
{
    $toPsi = 'toPsi';
    return array_map(fn ($r) => $r->toPsi(), $readings);
}
