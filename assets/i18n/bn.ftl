## counterqr — Bengali (bn). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".

language-name = বাংলা

## The customer's display between sales.
idle-scan-any-upi = যেকোনো UPI অ্যাপ দিয়ে স্ক্যান করে পেমেন্ট করুন

## While the till asks the gateway for the QR.
qr-preparing = আপনার QR কোড তৈরি হচ্ছে…

## The QR on screen.
qr-scan-and-pay = স্ক্যান করে পেমেন্ট করুন
qr-pay-to = প্রাপক: { $payee }
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = মেয়াদ বাকি: { $time }
qr-type-amount-yourself = আপনার UPI অ্যাপে নিজে { $amount } লিখুন
training-not-real = TRAINING — আসল পেমেন্ট নয়

## After the sale.
paid-title = পেমেন্ট সফল
paid-thank-you = { $amount } পাওয়া গেছে। ধন্যবাদ!
expired-title = QR কোডের মেয়াদ শেষ
expired-do-not-pay = দয়া করে এই QR কোডে পেমেন্ট করবেন না। ক্যাশিয়ারের কাছে নতুন কোড চেয়ে নিন।
failed-title = পেমেন্ট হয়নি
failed-ask-cashier = পেমেন্ট সম্পূর্ণ হয়নি। দয়া করে ক্যাশিয়ারকে জিজ্ঞাসা করুন।

## Spoken. Bengali nouns do not change after a numeral (এক টাকা, পাঁচশো টাকা; এক পয়সা, পঞ্চাশ পয়সা)
## and the verb does not agree, so no selector on $count is needed.
speech-rupees = { $words } টাকা
speech-paise = { $words } পয়সা
speech-rupees-and-paise = { $rupees } { $paise }
speech-received = { $amount } পাওয়া গেছে
speech-earlier-received = আগের বিক্রির { $amount } পাওয়া গেছে
