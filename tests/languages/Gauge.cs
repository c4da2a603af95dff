using System.Linq;

namespace Gauges
{
    /// <summary>A gauge reading in bars.</summary>
    public class Reading
    {
        public double Bars { get; }

        public Reading(double bars) { Bars = bars; }

        /// <summary>The reading in psi.</summary>
        public double ToPsi() => Bars * 14.5;

        public long ToPsiRounded()
        {
            // ToPsi, rounded
            return (long)System.Math.Round(ToPsi());
        }

        public static double ToPsiAll(Reading[] readings)
        {
            int Local() => 1;
            var label = "ToPsi";
            return readings.Sum(r => r.ToPsi()) + Local();
        }
    }

    public interface ISensor { Reading Sample(); }

    public enum Unit { Bar, Psi }

    public struct Calibration { public double Offset; }
}
