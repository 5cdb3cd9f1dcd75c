// Prints every row of the given Parquet files, one line each, as JavaScript reads them with
// hyparquet: slm_id|input_id|prediction|confidence|label|batch, the doubles with fixed decimals
// so that lines compare with DuckDB's text. The last line is "ms <sum of timestamps in ms>".
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

let millis = 0n
for (const path of process.argv.slice(2)) {
  const file = await asyncBufferFromFile(path)
  const rows = await parquetReadObjects({ file, compressors })
  for (const r of rows) {
    const confidence = r.confidence == null ? 'null' : r.confidence.toFixed(2)
    console.log([r.slm_id, r.input_id, r.prediction.toFixed(4), confidence,
      r.label ?? 'null', r.batch ?? 'null'].join('|'))
    millis += BigInt(r.timestamp.getTime())
  }
}
console.log('ms ' + millis)
