#!/bin/sh
# npm run demo: the library tour, then the command line: fit a spec's placeholders on the census training file
# and transform both census files into tensors, then train the census wide & deep model and write its report
# (outputs in demo-out/).
set -e
cd "$(dirname "$0")/.."
npx tsx examples/census-demo.ts
mkdir -p demo-out
echo
echo '$ fcol fit columns/census-from-data.ts fixtures/census/adult.data.csv -o demo-out/census-fitted.json'
node bin/fcol.js fit columns/census-from-data.ts fixtures/census/adult.data.csv -o demo-out/census-fitted.json
for part in data test; do
  echo
  echo "\$ fcol transform demo-out/census-fitted.json fixtures/census/adult.$part.csv -o demo-out/adult-$part.safetensors --label income_bracket --label-positive '>50K,>50K.' --json"
  node bin/fcol.js transform demo-out/census-fitted.json "fixtures/census/adult.$part.csv" -o "demo-out/adult-$part.safetensors" \
    --label income_bracket --label-positive '>50K,>50K.' --json
done
echo
echo '$ fcol train columns/census.ts fixtures/census/adult.data.csv --model wide-deep --eval fixtures/census/adult.test.csv --model-dir demo-out/census-model'
rm -rf demo-out/census-model
node bin/fcol.js train columns/census.ts fixtures/census/adult.data.csv --model wide-deep --eval fixtures/census/adult.test.csv --model-dir demo-out/census-model
echo
echo '$ fcol report demo-out/census-model'
node bin/fcol.js report demo-out/census-model
